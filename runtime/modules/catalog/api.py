"""Mini-program API of the catalog: product list and detail, category tree.

Only products on sale are visible; money is integer fen; bad query parameters answer 422
naming the parameter.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.catalog import products as product_service
from runtime.modules.catalog.errors import CatalogErrorCode, not_found
from runtime.modules.catalog.models import Category
from runtime.modules.catalog.queries import (
    MAX_LIMIT,
    SORTS,
    ProductFilter,
    list_products,
)
from runtime.modules.catalog.serializers import (
    category_tree_json,
    product_cards,
    product_detail,
)
from runtime.modules.catalog.taxonomy import category_tree, product_tag_names
from runtime.tenancy import db

catalog_api = shop_api_blueprint("catalog_api", __name__)

MAX_KEYWORD = 50


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
    errors: list[FieldError] = []
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
    if errors:
        raise ValidationFailed(errors)
    return (ProductFilter(keyword=keyword or None, category_id=category, group_id=group,
                          min_price_fen=low, max_price_fen=high), sort, limit, cursor)


@catalog_api.get("/products")
def list_products_view() -> Any:
    """Products on sale: filters ``keyword``, ``category``, ``group``, ``min_price_fen``,
    ``max_price_fen``; ``sort``; keyset pagination with ``cursor`` and ``limit``."""
    f, sort, limit, cursor = parse_list_query()
    session = db()
    page = list_products(session, f, sort=sort, limit=limit, cursor=cursor)
    return jsonify({"items": product_cards(session, page.items),
                    "next_cursor": page.next_cursor})


@catalog_api.get("/products/<int:product_id>")
def product_detail_view(product_id: int) -> Any:
    session = db()
    product = session.get(product_service.Product, product_id)
    if product is None or not product_service.is_visible(product):
        raise not_found("product", product_id, CatalogErrorCode.PRODUCT_NOT_FOUND)
    skus = product_service.product_skus(session, product.id)
    category = session.get(Category, product.category_id) if product.category_id else None
    tags = product_tag_names(session, [product.id]).get(product.id, [])
    return jsonify(product_detail(session, product, skus, category, tags))


@catalog_api.get("/categories")
def category_tree_view() -> Any:
    session = db()
    return jsonify({"items": category_tree_json(session,
                                                category_tree(session, visible_only=True))})
