"""Points mall API: ``GET /api/v1/shops/<shop>/pointsmall/products[/<id>]`` (the items on
offer, with the member's own count when logged in) and ``GET .../pointsmall/orders`` (the
member's exchanges). An exchange is placed through checkout with
``"activity": {"kind": "pointsmall", "id": <item id>}``. Every endpoint answers 404
``module_disabled`` while the shop has the module off."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.modules.members.auth import (
    current_member,
    member_optional,
    member_required,
    optional_member,
)
from runtime.modules.orders.service import orders_by_ids
from runtime.modules.points.service import balance_of
from runtime.modules.pointsmall import service
from runtime.modules.pointsmall.models import PointsMallExchange
from runtime.modules.pointsmall.settings import pointsmall_settings
from runtime.tenancy import db

pointsmall_api = shop_api_blueprint("pointsmall_api", __name__)
TAGS = ["pointsmall"]

OPENAPI = ApiComponents()
OPENAPI.schema("PointsMallItem", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "product_id": {"type": "integer"},
        "sku_id": {"type": "integer"}, "title": {"type": "string"},
        "spec_text": {"type": "string"}, "cover": {"type": ["string", "null"]},
        "points": {"type": "integer"}, "cash_fen": {"type": "integer"},
        "price_fen": {"type": "integer"}, "stock": {"type": "integer"},
        "sold_out": {"type": "boolean"}, "exchanged": {"type": "integer"},
        "limit_per_member": {"type": "integer"},
        "my_exchanged": {"type": ["integer", "null"]},
    },
})
OPENAPI.schema("PointsMallList", {
    "type": "object",
    "properties": {
        "title": {"type": "string"}, "balance": {"type": ["integer", "null"]},
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/PointsMallItem"}},
    },
})
OPENAPI.schema("PointsMallExchanges", {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "order_id": {"type": "integer"},
            "order_no": {"type": "string"}, "order_status": {"type": "string"},
            "item_id": {"type": "integer"}, "sku_id": {"type": "integer"},
            "qty": {"type": "integer"}, "points": {"type": "integer"},
            "cash_fen": {"type": "integer"}, "status": {"type": "string"},
            "created_at": {"type": "string"}}}},
        "next_before_id": {"type": ["integer", "null"]},
    },
})


@pointsmall_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


def _with_member(card: service.ItemCard, member_id: int | None) -> dict[str, Any]:
    mine = service.exchanged_by(db(), member_id, card.item.id) if member_id else None
    return {**card.as_dict(), "my_exchanged": mine}


@pointsmall_api.get("/pointsmall/products")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("PointsMallList")})
def products():
    """The items on offer: points (+ cash) each, what is left, the member's balance."""
    session, member = db(), optional_member()
    return jsonify({"title": pointsmall_settings(session).title,
                    "balance": balance_of(session, member.id) if member else None,
                    "items": [c.as_dict() for c in service.shop_items(session)]})


@pointsmall_api.get("/pointsmall/products/<int:item_id>")
@member_optional
@operation(tags=TAGS, responses={"200": json_response("PointsMallItem")})
def product(item_id: int):
    """One item on offer, with how many the member holds of it already."""
    member = optional_member()
    return jsonify(_with_member(service.shop_item(db(), item_id), member.id if member else None))


def _exchange_dict(exchange: PointsMallExchange, order: Any) -> dict[str, Any]:
    return {"id": exchange.id, "order_id": exchange.order_id,
            "order_no": order.order_no if order else "",
            "order_status": order.status if order else "", "item_id": exchange.item_id,
            "sku_id": exchange.sku_id, "qty": exchange.qty, "points": exchange.points,
            "cash_fen": exchange.cash_fen, "status": exchange.status,
            "created_at": exchange.created_at.isoformat()}


@pointsmall_api.get("/pointsmall/orders")
@member_required
@operation(tags=TAGS, responses={"200": json_response("PointsMallExchanges")},
           parameters=[{"name": "before_id", "in": "query", "required": False,
                        "schema": {"type": "integer"}, "description": "page before this one"}])
def my_exchanges():
    """The member's exchanges, newest first (20 per page), with their orders' status."""
    raw = request.args.get("before_id", "")
    if raw and (not raw.isdigit() or len(raw) > 18):
        raise ValidationFailed.single("/before_id", "an exchange id", "type")
    session, member = db(), current_member()
    rows = service.member_exchanges(session, member.id, before_id=int(raw) if raw else None)
    orders = orders_by_ids(session, [r.order_id for r in rows])
    return jsonify({"items": [_exchange_dict(r, orders.get(r.order_id)) for r in rows],
                    "next_before_id": rows[-1].id if len(rows) == 20 else None})
