"""Mini-program API for checkout, orders and addresses under ``/api/v1/shops/<shop>/``."""

from __future__ import annotations

import functools
from typing import Any

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import ValidationFailed
from runtime.http import json_body, private_download
from runtime.media.documents import open_document
from runtime.media.refs import load_assets
from runtime.modules.members.auth import (
    current_member,
    current_member_id,
    member_required,
)
from runtime.modules.orders import addresses, checkout, invoices, paying
from runtime.modules.orders import service as orders
from runtime.modules.orders.models import OrderStatus
from runtime.modules.orders.serializers import Fresh, order_detail, order_summary
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments import accounts
from runtime.modules.payments.service import PayContext
from runtime.tenancy import current_shop, db

orders_api = shop_api_blueprint("orders_api", __name__)

_obj = {"type": "object"}
OPENAPI = ApiComponents()
OPENAPI.schema("Quote", {
    "type": "object",
    "description": "An itemised price: payable = goods_total - discount_total + shipping; "
                   "every adjustment is split over the lines (integer fen).",
    "properties": {
        "quote_id": {"type": "string"}, "expires_at": {"type": "string", "format": "date-time"},
        "fulfilment": {"enum": ["express", "pickup", "local"]},
        "lines": {"type": "array", "items": _obj}, "adjustments": {"type": "array",
                                                                   "items": _obj},
        "goods_total_fen": {"type": "integer"}, "discount_total_fen": {"type": "integer"},
        "shipping_fen": {"type": "integer"}, "points_used": {"type": "integer"},
        "points_deduction_fen": {"type": "integer"}, "payable_fen": {"type": "integer"},
        "balance_fen": {"type": "integer"}, "cash_due_fen": {"type": "integer"},
        "errors": {"type": "array", "items": _obj}, "address": {"type": ["object", "null"]},
        "pickup_point": {"type": ["object", "null"]},
        "unavailable_lines": {"type": "array", "items": _obj},
    },
})
OPENAPI.schema("Order", {"type": "object", "properties": {
    "id": {"type": "integer"}, "order_no": {"type": "string"},
    "status": {"enum": [s.value for s in OrderStatus]}, "status_label": {"type": "string"},
    "fulfilment": {"type": "string"}, "payable_fen": {"type": "integer"},
    "lines": {"type": "array", "items": _obj}, "timeline": {"type": "array", "items": _obj},
    "invoice": {"type": ["object", "null"], "description": "The invoice asked for; once issued "
                "its number and/or pdf ({byte_size, pages, uploaded_at, api_path})"},
}})
OPENAPI.schema("RecentPurchases", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "buyer": {"type": "string", "description": "the nickname's first character + **"},
        "product": {"type": "string"}, "product_id": {"type": "integer"},
        "paid_at": {"type": "string", "format": "date-time"}}}}}})
OPENAPI.schema("OrderPage", {"type": "object", "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}},
    "next_cursor": {"type": ["string", "null"]}}})
OPENAPI.schema("Address", {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "phone": {"type": "string"},
    "province": {"type": "string"}, "city": {"type": "string"}, "district": {"type": "string"},
    "detail": {"type": "string"}, "adcode": {"type": "string"},
    "postal_code": {"type": "string"}, "latitude": {"type": ["number", "null"]},
    "longitude": {"type": ["number", "null"]}, "is_default": {"type": "boolean"}}})

CHECKOUT_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "properties": {
        "source": {"enum": ["cart", "items"], "default": "cart"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "sku_id": {"type": "integer"}, "qty": {"type": "integer"}}}},
        "fulfilment": {"enum": ["express", "pickup", "local"], "default": "express"},
        "address_id": {"type": "integer"}, "pickup_point_id": {"type": "integer"},
        "use_points": {"type": "boolean"}, "use_balance": {"type": "boolean"},
        "coupon_id": {"type": "integer"}, "remark": {"type": "string", "maxLength": 200},
        "invoice": {"type": "object", "properties": {
            "type": {"enum": ["personal", "company"]}, "title": {"type": "string"},
            "tax_no": {"type": "string"}, "email": {"type": "string"}}}}}}}}
ORDER = {"200": json_response("Order")}
ADDRESS_BODY = {"required": True, "content": {"application/json": {
    "schema": {"$ref": "#/components/schemas/Address"}}}}


def _commit(body: Any, status: int = 200):
    db().commit()
    response = jsonify(body)
    response.status_code = status
    return response


def _detail(order) -> dict[str, Any]:
    lines = orders.order_lines(db(), [order.id])[order.id]
    return order_detail(db(), order, lines)


# --- checkout ----------------------------------------------------------------------------------


@orders_api.post("/checkout/quote")
@member_required
@operation(tags=["checkout"], requestBody=CHECKOUT_BODY, responses={"200":
                                                                    json_response("Quote")})
def quote():
    """Price the cart's selected lines (or a buy-now item list) for checkout."""
    priced, stored = checkout.create_quote(db(), current_member_id(), json_body())
    return _commit(checkout.quote_payload(db(), priced, stored))


@orders_api.post("/orders")
@member_required
@operation(tags=["orders"], parameters=[{
    "name": "Idempotency-Key", "in": "header", "required": True, "schema": {
        "type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,80}$"},
    "description": "One key per intended order: a retried submit returns the same order"}],
    requestBody={"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["quote_id"],
        "properties": {"quote_id": {"type": "string"}}}}}},
    responses={"201": json_response("Order", "Created"),
               "200": json_response("Order", "The order this key already created")})
def submit_order():
    """Submit a quote as an order (reserves stock; idempotent by ``Idempotency-Key``)."""
    body = json_body()
    key = request.headers.get("Idempotency-Key") or body.get("idempotency_key")
    result = checkout.submit(db(), current_member_id(), body.get("quote_id"), key,
                             source=str(body.get("client", "miniprogram"))[:16])
    order = result.order
    if result.created:
        assert result.creation is not None
        body = order_detail(db(), order, result.lines,
                            fresh=Fresh(result.image_urls, result.creation))
    db().commit()
    response = jsonify(body if result.created else _detail(order))
    response.status_code = 201 if result.created else 200
    return response


# --- my orders ---------------------------------------------------------------------------------


def _status_arg() -> OrderStatus | None:
    value = request.args.get("status", "all")
    if value in ("", "all"):
        return None
    try:
        return OrderStatus(value)
    except ValueError:
        raise ValidationFailed.single("/status", "all, " + ", ".join(s.value for s in
                                                                     OrderStatus),
                                      "enum") from None


def _limit_arg() -> int:
    raw = request.args.get("limit", str(orders.PAGE_SIZE))
    if not raw.isdigit():
        raise ValidationFailed.single("/limit", f"from 1 to {orders.MAX_PAGE_SIZE}")
    return int(raw)


@orders_api.get("/orders")
@member_required
@operation(tags=["orders"], parameters=[
    {"name": "status", "in": "query", "schema": {"enum": ["all", *[s.value for s in
                                                                   OrderStatus]]}},
    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                "maximum": 100}}],
    responses={"200": json_response("OrderPage")})
def my_orders():
    """My orders, newest first, by status tab (全部 / 待付款 / 待发货 / 待收货 / 已完成)."""
    page = orders.list_orders(db(), orders.OrderFilter(status=_status_arg(),
                                                       member_id=current_member().id),
                              request.args.get("cursor"), _limit_arg())
    assets = load_assets(db(), [line.image for o in page.orders for line in page.lines[o.id]])
    return _commit({"items": [order_summary(o, page.lines[o.id], assets=assets)
                              for o in page.orders],
                    "next_cursor": page.next_cursor})


@orders_api.get("/orders/counts")
@member_required
@operation(tags=["orders"])
def my_order_counts():
    """How many of my orders are in each status (the badges on the tabs)."""
    return _commit(orders.status_counts(db(), current_member().id))


@orders_api.get("/orders/recent-purchases")
@operation(tags=["orders"], responses={"200": json_response("RecentPurchases")})
def recent_purchases():
    """This week's latest paid purchases, anonymised (the recent-purchases ticker)."""
    from runtime.extension import state
    from runtime.modules.orders.rankings import RECENT_TTL_SECONDS
    from runtime.modules.orders.rankings import recent_purchases as recent

    response = jsonify({"items": recent(db(), state().redis)})
    db().commit()
    response.headers["Cache-Control"] = f"public, max-age={RECENT_TTL_SECONDS}"
    return response


@orders_api.get("/orders/<int:order_id>")
@member_required
@operation(tags=["orders"], responses=ORDER)
def my_order(order_id: int):
    """One of my orders with its price breakdown, shipments and timeline."""
    return _commit(_detail(orders.get_order(db(), order_id, member_id=current_member().id)))


@orders_api.get("/orders/<int:order_id>/invoice.pdf")
@member_required
@operation(tags=["orders"], responses={"200": {
    "description": "The invoice PDF the shop uploaded for my order",
    "content": {"application/pdf": {"schema": {"type": "string",
                                                "contentMediaType": "application/pdf"}}}}})
def my_invoice_pdf(order_id: int):
    """Download the invoice PDF of my order (404 until the shop uploads one)."""
    order = orders.get_order(db(), order_id, member_id=current_member().id)
    key = invoices.pdf_key(order)
    db().commit()
    return private_download(open_document(key), mimetype="application/pdf",
                            name=f"invoice-{order.order_no}.pdf", etag=key.rsplit("/", 1)[1])


@orders_api.post("/orders/<int:order_id>/cancel")
@member_required
@operation(tags=["orders"], responses=ORDER)
def cancel_order(order_id: int):
    """Cancel my unpaid order (stock and points go back)."""
    member = current_member().id
    orders.get_order(db(), order_id, member_id=member)
    shop = current_shop()
    assert shop is not None
    order = paying.close_unpaid(db(), shop.id, shop.slug, order_id, OrderEvent.CANCELLED,
                                Actor.member(member),
                                reason=str((request.get_json(silent=True) or {})
                                           .get("reason", ""))[:200])
    assert order is not None
    db().commit()
    return _commit(_detail(order))


@orders_api.post("/orders/<int:order_id>/pay")
@member_required
@operation(tags=["payments"], requestBody={"required": True, "content": {"application/json": {
    "schema": {"type": "object", "required": ["method"], "properties": {
        "method": {"enum": ["wechatpay", "wallet", "cod"]}}}}}},
    responses={"200": {"description": "Paid, or the parameters for wx.requestPayment",
                       "content": {"application/json": {"schema": {
                           "$ref": "#/components/schemas/PayStart"}}}}})
def pay(order_id: int):
    """Pay my unpaid order: WeChat Pay (returns wx.requestPayment params), balance or COD."""
    body = json_body()
    shop = current_shop()
    assert shop is not None
    ctx = PayContext(shop.id, current_member().id, functools.partial(
        accounts.shop_wechat, db(), shop.id, shop.slug, request.host_url),
        client_ip=request.remote_addr or "")
    started, order = paying.pay_order(db(), order_id, body.get("method"), ctx)
    db().commit()
    return _commit(started.as_dict(order.status))


@orders_api.post("/orders/<int:order_id>/confirm-receipt")
@member_required
@operation(tags=["orders"], responses=ORDER)
def confirm_receipt(order_id: int):
    """I received the goods (待收货 -> 已完成)."""
    member = current_member().id
    orders.get_order(db(), order_id, member_id=member)
    order = orders.confirm_receipt(db(), order_id, Actor.member(member),
                                   OrderEvent.RECEIPT_CONFIRMED)
    return _commit(_detail(order))


# --- addresses ---------------------------------------------------------------------------------


@orders_api.get("/addresses")
@member_required
@operation(tags=["addresses"])
def list_addresses():
    """My delivery addresses, the default first."""
    return _commit({"items": [addresses.address_dict(a)
                              for a in addresses.list_addresses(db(), current_member().id)]})


@orders_api.post("/addresses")
@member_required
@operation(tags=["addresses"], requestBody=ADDRESS_BODY,
           responses={"201": json_response("Address", "Created")})
def create_address():
    """Add an address (the first one becomes the default)."""
    address = addresses.create_address(db(), current_member().id, json_body())
    return _commit(addresses.address_dict(address), 201)


@orders_api.get("/addresses/<int:address_id>")
@member_required
@operation(tags=["addresses"], responses={"200": json_response("Address")})
def get_address(address_id: int):
    """One of my addresses."""
    return _commit(addresses.address_dict(addresses.get_address(db(), current_member().id,
                                                                address_id)))


@orders_api.patch("/addresses/<int:address_id>")
@member_required
@operation(tags=["addresses"], requestBody=ADDRESS_BODY,
           responses={"200": json_response("Address")})
def update_address(address_id: int):
    """Change an address; ``is_default: true`` makes it the default."""
    address = addresses.update_address(db(), current_member().id, address_id, json_body())
    return _commit(addresses.address_dict(address))


@orders_api.post("/addresses/<int:address_id>/default")
@member_required
@operation(tags=["addresses"], responses={"200": json_response("Address")})
def make_default_address(address_id: int):
    """Make this my default address."""
    address = addresses.update_address(db(), current_member().id, address_id, {"is_default": True})
    return _commit(addresses.address_dict(address))


@orders_api.delete("/addresses/<int:address_id>")
@member_required
@operation(tags=["addresses"], responses={"204": {"description": "Deleted"}})
def delete_address(address_id: int):
    """Delete an address."""
    addresses.delete_address(db(), current_member().id, address_id)
    db().commit()
    return "", 204
