"""Promotions API under ``/api/v1/shops/<shop>/``: ``promotions/discounts[/<id>]`` (限时折扣
running or announced, with each SKU's price and discount price) and
``promotions/full-reductions[/<id>]`` (满减/满折 running, with the rule in words). Read only
for shoppers (the console edits); every route answers 404 while the module is off, and an
id of another shop is 404."""

from __future__ import annotations

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules.promotions import service
from runtime.modules.switches import settings_of
from runtime.tenancy import db

promotions_api = shop_api_blueprint("promotions_api", __name__)
TAGS = ["promotions"]

OPENAPI = ApiComponents()
_WINDOW = {"id": {"type": "integer"}, "name": {"type": "string"},
           "starts_at": {"type": "string", "format": "date-time"},
           "ends_at": {"type": "string", "format": "date-time"},
           "status": {"type": "string", "enum": ["scheduled", "active", "ended", "closed"]}}
OPENAPI.schema("LimitedDiscount", {"type": "object", "properties": {
    **_WINDOW, "tag": {"type": "string"}, "per_member_limit": {"type": ["integer", "null"]},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "sku_id": {"type": "integer"}, "product_id": {"type": "integer"},
        "mode": {"type": "string", "enum": list(service.DISCOUNT_MODES)},
        "value": {"type": "integer"}, "price_fen": {"type": "integer"},
        "discount_price_fen": {"type": "integer"}}}}}})
OPENAPI.schema("FullReduction", {"type": "object", "properties": {
    **_WINDOW, "condition": {"type": "string", "enum": ["amount", "count"]},
    "scope": {"type": "string", "enum": ["all", "include", "exclude"]},
    "product_ids": {"type": "array", "items": {"type": "integer"}},
    "tiers": {"type": "array", "items": {"type": "object", "properties": {
        "threshold": {"type": "integer"}, "discount_fen": {"type": ["integer", "null"]},
        "discount_pct": {"type": ["integer", "null"]}, "free_shipping": {"type": "boolean"},
        "give_points": {"type": "integer"},
        "give_coupons": {"type": "array", "items": {"type": "integer"}}}}},
    "repeat": {"type": "boolean"}, "max_discount_fen": {"type": ["integer", "null"]},
    "summary": {"type": "string", "examples": ["满199减30"]}}})
OPENAPI.schema("LimitedDiscountList", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"$ref": "#/components/schemas/LimitedDiscount"}},
    "now": {"type": "string", "format": "date-time"}}})
OPENAPI.schema("FullReductionList", {"type": "object", "properties": {"items": {
    "type": "array", "items": {"$ref": "#/components/schemas/FullReduction"}}}})


@promotions_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


def _product_arg() -> int | None:
    raw = request.args.get("product_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationFailed.single("/product_id", "must be a positive integer id", "type")
    return int(raw)


@promotions_api.get("/promotions/discounts")
@operation(tags=TAGS, responses={"200": json_response("LimitedDiscountList")})
def discounts():
    """Limited-time discounts running now or starting within the shop's preview hours
    (``product_id``: only those with a SKU of that product), and the server's ``now`` for
    the countdowns."""
    session = db()
    hours = settings_of(session, service.MODULE)["preview_hours"]
    return jsonify({"items": service.shopper_discounts(session, product_id=_product_arg(),
                                                       preview_hours=hours),
                    "now": utcnow().isoformat()})


@promotions_api.get("/promotions/discounts/<int:discount_id>")
@operation(tags=TAGS, responses={"200": json_response("LimitedDiscount")})
def discount(discount_id: int):
    session = db()
    row = service.get_discount(session, discount_id)
    items = service.discount_items(session, [row.id])[row.id]
    prices = service.sku_prices(session, (i.sku_id for i in items))
    return jsonify(service.discount_json(row, items, prices))


@promotions_api.get("/promotions/full-reductions")
@operation(tags=TAGS, responses={"200": json_response("FullReductionList")})
def full_reductions():
    """Full reductions running now (``product_id``: only those whose scope takes it)."""
    return jsonify({"items": service.shopper_full_reductions(db(), product_id=_product_arg())})


@promotions_api.get("/promotions/full-reductions/<int:reduction_id>")
@operation(tags=TAGS, responses={"200": json_response("FullReduction")})
def full_reduction(reduction_id: int):
    return jsonify(service.full_reduction_json(service.get_full_reduction(db(), reduction_id)))
