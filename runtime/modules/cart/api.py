"""Cart API: ``/api/v1/shops/<shop>/cart``. A member authenticates with a Bearer token; a
guest sends the ``X-Cart-Token`` it was given on its first add, and that cart merges into
the member's on the first authenticated request that still carries the token."""

from __future__ import annotations

from flask import jsonify, request

from runtime.api import shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import NotFound, ValidationFailed
from runtime.http import json_body
from runtime.media.refs import load_assets
from runtime.modules.cart import service
from runtime.modules.cart.errors import CartErrorCode
from runtime.modules.cart.fetch import CartInfo
from runtime.modules.cart.service import CartOwner
from runtime.modules.members.auth import (
    member_optional,
    member_required,
    optional_member,
)
from runtime.tenancy import db

cart_api = shop_api_blueprint("cart_api", __name__)

GUEST_HEADER = "X-Cart-Token"
TAGS = ["cart"]
GUEST_PARAM = {"name": GUEST_HEADER, "in": "header", "required": False,
               "schema": {"type": "string"},
               "description": "A guest's cart token (returned on the first add)"}

OPENAPI = ApiComponents()
OPENAPI.schema("Cart", {
    "type": "object",
    "properties": {
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "sku_id": {"type": "integer"},
            "product_id": {"type": "integer"}, "qty": {"type": "integer"},
            "selected": {"type": "boolean"}, "title": {"type": "string"},
            "spec_text": {"type": "string"},
            "image": {"type": ["object", "null"], "description": "the image reference"},
            "image_url": {"type": ["string", "null"],
                          "description": "the image to show (300 px wide thumbnail)"},
            "unit_price_fen": {"type": "integer"},
            "added_price_fen": {"type": "integer"}, "stock": {"type": "integer"},
            "line_total_fen": {"type": "integer"}, "available": {"type": "boolean"},
            "issues": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"enum": ["sku_missing", "product_deleted", "off_shelf", "sku_retired",
                                  "sold_out", "insufficient_stock", "over_limit",
                                  "price_changed"]},
                "label": {"type": "string"}}}}}}},
        "count": {"type": "integer"}, "selected_count": {"type": "integer"},
        "selected_total_fen": {"type": "integer"}, "has_issues": {"type": "boolean"},
        "guest_token": {"type": ["string", "null"]},
    },
})
CART = {"200": json_response("Cart")}
OPENAPI.schema("CartCount", {"type": "object", "required": ["count"],
                             "properties": {"count": {"type": "integer", "minimum": 0}}})


def _owner(create_guest: bool = False) -> tuple[CartOwner | None, str | None]:
    """The member's cart (merging a guest cart still named by the header) or the guest's."""
    member = optional_member()
    token = request.headers.get(GUEST_HEADER, "").strip() or None
    if member is not None:
        if token:
            service.merge_guest_cart(db(), token, member.id)
        return CartOwner(member_id=member.id), None
    if token is None:
        if not create_guest:
            return None, None
        token = service.new_guest_token()
    return CartOwner(guest_token=token), token


def _require_owner() -> tuple[CartOwner, str | None]:
    owner, token = _owner()
    if owner is None:
        raise NotFound("no cart: log in or send X-Cart-Token",
                       code=CartErrorCode.CART_LINE_NOT_FOUND.value)
    return owner, token


def _answer(info: CartInfo, token: str | None, status: int = 200):
    body = {**info.as_dict(load_assets(db(), info.image_refs())), "guest_token": token}
    db().commit()
    response = jsonify(body)
    response.status_code = status
    if token:
        response.headers[GUEST_HEADER] = token
    return response


@cart_api.get("/cart")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART)
def get_cart():
    """The cart with every line's current price, stock and issues."""
    owner, token = _owner()
    info = service.get_cart_info(db(), owner) if owner else CartInfo(None, ())
    return _answer(info, token)


@cart_api.get("/cart/count")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses={"200": json_response("CartCount")})
def cart_count():
    """The number of pieces in the cart, for badges (the tab bar's cart item)."""
    owner, _token = _owner()
    count = service.item_count(db(), owner) if owner else 0
    db().commit()
    response = jsonify({"count": count})
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@cart_api.post("/cart/items")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART, requestBody={
    "required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["sku_id"],
        "properties": {"sku_id": {"type": "integer"},
                       "qty": {"type": "integer", "minimum": 1, "maximum": 999}}}}}})
def add_item():
    """Add a SKU (a guest without a token gets one back in ``X-Cart-Token``)."""
    body = json_body()
    owner, token = _owner(create_guest=True)
    assert owner is not None
    return _answer(service.add_item(db(), owner, body.get("sku_id"), body.get("qty", 1)), token)


@cart_api.patch("/cart/items/<int:line_id>")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART, requestBody={
    "required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": {
            "qty": {"type": "integer"}, "selected": {"type": "boolean"},
            "accept_price": {"type": "boolean"}}}}}})
def update_item(line_id: int):
    """Change a line's quantity or selection, or accept its new price."""
    body = json_body()
    owner, token = _require_owner()
    info = service.update_line(db(), owner, line_id, qty=body.get("qty"),
                               selected=body.get("selected"),
                               accept_price=body.get("accept_price") is True)
    return _answer(info, token)


@cart_api.delete("/cart/items/<int:line_id>")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART)
def remove_item(line_id: int):
    """Remove a line."""
    owner, token = _require_owner()
    return _answer(service.remove_lines(db(), owner, [line_id]), token)


@cart_api.post("/cart/select")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART, requestBody={
    "required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["selected"],
        "properties": {"selected": {"type": "boolean"}}}}}})
def select_all():
    """Select or unselect every line."""
    body = json_body()
    owner, token = _require_owner()
    return _answer(service.select_all(db(), owner, body.get("selected")), token)


@cart_api.delete("/cart/unavailable")
@member_optional
@operation(tags=TAGS, parameters=[GUEST_PARAM], responses=CART)
def clear_unavailable():
    """Remove every line that cannot be bought (清空失效商品)."""
    owner, token = _require_owner()
    return _answer(service.remove_unavailable(db(), owner), token)


@cart_api.post("/cart/merge")
@member_required
@operation(tags=TAGS, responses=CART, requestBody={
    "required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["guest_token"],
        "properties": {"guest_token": {"type": "string"}}}}}})
def merge():
    """Merge a guest cart into the logged-in member's cart."""
    body = json_body()
    guest = body.get("guest_token")
    member = optional_member()
    assert member is not None
    if not isinstance(guest, str) or not guest:
        raise ValidationFailed.single("/guest_token", "the guest's cart token", "required")
    return _answer(service.merge_guest_cart(db(), guest, member.id), None)
