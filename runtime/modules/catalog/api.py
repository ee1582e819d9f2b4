"""Mini-program API of the catalog: product list and detail, category tree.

Only products on sale are visible; money is integer fen; bad query parameters answer 422
naming the parameter.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import FieldError
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog.queries import (
    MAX_LIMIT,
    SORTS,
    ProductFilter,
    list_products,
)
from runtime.modules.catalog.serializers import (
    category_tree_json,
    product_cards,
    shopper_product,
)
from runtime.modules.catalog.taxonomy import category_tree
from runtime.tenancy import db

catalog_api = shop_api_blueprint("catalog_api", __name__)

MAX_KEYWORD = 50

_IMAGE_URL = {"type": ["string", "null"], "description": "Image URL (null: none)"}
OPENAPI = ApiComponents()
OPENAPI.schema("ProductCard", {
    "type": "object",
    "required": ["id", "title", "price_fen", "sales", "sold_out"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "subtitle": {"type": "string"},
        "cover": _IMAGE_URL, "price_fen": {"type": "integer", "description": "lowest SKU price"},
        "max_price_fen": {"type": "integer"},
        "original_price_fen": {"type": ["integer", "null"]},
        "sales": {"type": "integer"}, "sold_out": {"type": "boolean"},
    },
})
OPENAPI.schema("ProductPage", {
    "type": "object", "required": ["items", "next_cursor"],
    "properties": {"items": {"type": "array",
                             "items": {"$ref": "#/components/schemas/ProductCard"}},
                   "next_cursor": {"type": ["string", "null"],
                                   "description": "pass as `cursor` for the next page"}},
})
OPENAPI.schema("ProductDetail", {
    "type": "object",
    "required": ["id", "title", "images", "price_fen", "specs", "skus"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "subtitle": {"type": "string"},
        "images": {"type": "array", "items": {"type": "string"}}, "video": _IMAGE_URL,
        "description_html": {"type": "string"}, "unit": {"type": "string"},
        "weight_g": {"type": ["integer", "null"]},
        "category": {"type": ["object", "null"]}, "tags": {"type": "array"},
        "price_fen": {"type": "integer"}, "max_price_fen": {"type": "integer"},
        "original_price_fen": {"type": ["integer", "null"]}, "sales": {"type": "integer"},
        "stock": {"type": "integer"}, "limit_per_order": {"type": ["integer", "null"]},
        "limit_per_customer": {"type": ["integer", "null"]},
        "off_sale_at": {"type": ["string", "null"], "format": "date-time"},
        "specs": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "values": {"type": "array",
                                                   "items": {"type": "string"}}}}},
        "skus": {"type": "array", "items": {"type": "object", "required": [
            "id", "spec_values", "price_fen", "original_price_fen", "stock", "image"],
            "properties": {
                "id": {"type": "integer"},
                "spec_values": {"type": "array", "items": {"type": "string"}},
                "price_fen": {"type": "integer"},
                "original_price_fen": {"type": ["integer", "null"]},
                "stock": {"type": "integer"}, "image": _IMAGE_URL}}},
    },
})
OPENAPI.schema("CategoryNode", {
    "type": "object", "required": ["id", "name", "children"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "icon": _IMAGE_URL,
                   "image": _IMAGE_URL,
                   "children": {"type": "array",
                                "items": {"$ref": "#/components/schemas/CategoryNode"}}},
})
OPENAPI.schema("CategoryTree", {
    "type": "object", "required": ["items"],
    "properties": {"items": {"type": "array",
                             "items": {"$ref": "#/components/schemas/CategoryNode"}}},
})


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


LIST_PARAMETERS = [
    _query("keyword", {"type": "string", "maxLength": MAX_KEYWORD},
           "words or Chinese text in the title, subtitle or tags"),
    _query("category", {"type": "integer", "minimum": 1}, "category id (includes sub-categories)"),
    _query("group", {"type": "integer", "minimum": 1}, "product group (分组) id"),
    _query("min_price_fen", {"type": "integer", "minimum": 0}, "lowest price, in fen"),
    _query("max_price_fen", {"type": "integer", "minimum": 0}, "highest price, in fen"),
    _query("sort", {"enum": list(SORTS), "default": "default"}, "order of the list"),
    _query("cursor", {"type": "string"}, "next_cursor of the previous page"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
           "page size"),
]


def _int_param(name: str, errors: list[FieldError], *, minimum: int = 0,
               maximum: int = 2_000_000_000) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.append(FieldError(f"/{name}", f"query parameter '{name}' must be an integer",
                                 "type"))
        return None
    if not minimum <= value <= maximum:
        errors.append(FieldError(f"/{name}", f"query parameter '{name}' must be between "
                                             f"{minimum} and {maximum}", "range"))
        return None
    return value


def parse_list_query() -> tuple[ProductFilter, str, int, str | None]:
    errors = FieldErrors()
    keyword = request.args.get("keyword", "").strip()
    if len(keyword) > MAX_KEYWORD:
        errors.append(FieldError("/keyword", f"query parameter 'keyword' is at most "
                                             f"{MAX_KEYWORD} characters", "max_length"))
    category = _int_param("category", errors, minimum=1)
    group = _int_param("group", errors, minimum=1)
    low = _int_param("min_price_fen", errors)
    high = _int_param("max_price_fen", errors)
    if low is not None and high is not None and low > high:
        errors.append(FieldError("/max_price_fen", "query parameter 'max_price_fen' must not "
                                                   "be below 'min_price_fen'", "range"))
    sort = request.args.get("sort", "default")
    if sort not in SORTS:
        errors.append(FieldError("/sort", f"query parameter 'sort' must be one of "
                                          f"{', '.join(SORTS)}", "enum"))
    limit = _int_param("limit", errors, minimum=1, maximum=MAX_LIMIT) or 20
    cursor = request.args.get("cursor") or None
    if cursor is not None and len(cursor) > 500:
        errors.append(FieldError("/cursor", "query parameter 'cursor' is not a cursor",
                                 "cursor"))
    errors.raise_if_any()
    return (ProductFilter(keyword=keyword or None, category_id=category, group_id=group,
                          min_price_fen=low, max_price_fen=high), sort, limit, cursor)


@catalog_api.get("/products")
@operation(tags=["catalog"], parameters=LIST_PARAMETERS,
           responses={"200": json_response("ProductPage")})
def list_products_view() -> Any:
    """Products on sale: filters ``keyword``, ``category``, ``group``, ``min_price_fen``,
    ``max_price_fen``; ``sort``; keyset pagination with ``cursor`` and ``limit``."""
    f, sort, limit, cursor = parse_list_query()
    session = db()
    page = list_products(session, f, sort=sort, limit=limit, cursor=cursor)
    return jsonify({"items": product_cards(session, page.items),
                    "next_cursor": page.next_cursor})


@catalog_api.get("/products/<int:product_id>")
@operation(tags=["catalog"], responses={"200": json_response("ProductDetail")})
def product_detail_view(product_id: int) -> Any:
    """A product on sale with its specs and SKUs (404 when it is not on sale)."""
    return jsonify(shopper_product(db(), product_id))


@catalog_api.get("/categories")
@operation(tags=["catalog"], responses={"200": json_response("CategoryTree")})
def category_tree_view() -> Any:
    """The shop's visible categories as a tree."""
    session = db()
    return jsonify({"items": category_tree_json(session,
                                                category_tree(session, visible_only=True))})
