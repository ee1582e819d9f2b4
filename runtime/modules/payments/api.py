"""Paying an order (``POST /api/v1/shops/<shop>/orders/<id>/pay``) and WeChat Pay's
notification endpoint (``POST /api/v1/payments/wechatpay/notify/<shop>``)."""

from __future__ import annotations

import functools

from flask import Blueprint, Response, json, request

from runtime.api import API_PREFIX, shop_api_blueprint
from runtime.api.openapi import ApiComponents, operation
from runtime.http import json_body
from runtime.modules.members.auth import (
    current_member,
    member_required,
)
from runtime.modules.orders.service import get_order
from runtime.modules.payments import accounts
from runtime.modules.payments.service import PayContext, handle_notification, start_payment
from runtime.tenancy import current_shop, db, enter_shop
from runtime.wechat import notify

payments_api = shop_api_blueprint("payments_api", __name__)
notify_api = Blueprint("wechatpay_notify", __name__, url_prefix=f"{API_PREFIX}/payments")

OPENAPI = ApiComponents()
OPENAPI.schema("PayStart", {"type": "object", "properties": {
    "method": {"enum": ["wechatpay", "wallet", "cod"]}, "paid": {"type": "boolean"},
    "order_status": {"type": "string"}, "amount_fen": {"type": "integer"},
    "payment_status": {"type": "string"}, "simulated": {"type": "boolean"},
    "request_payment": {"type": ["object", "null"], "description":
                        "Pass to wx.requestPayment: appId, timeStamp, nonceStr, package, "
                        "signType, paySign"},
    "h5_url": {"type": ["string", "null"], "description":
               "WeChat Pay H5 (a member without an openid, in a browser): open this cashier "
               "URL with redirect_url appended"}}})


@payments_api.post("/orders/<int:order_id>/pay")
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
    base = request.host_url
    ctx = PayContext(shop.id, current_member().id, functools.partial(
        accounts.shop_wechat, db(), shop.id, shop.slug, base),
        client_ip=request.remote_addr or "")
    started = start_payment(db(), order_id, body.get("method"), ctx)
    db().commit()
    order = get_order(db(), order_id)
    return Response(json.dumps(started.as_dict(order), ensure_ascii=False),
                    mimetype="application/json")


@notify_api.post("/wechatpay/notify/<shop_slug>")
@operation(tags=["payments"], security=[], responses={
    "204": {"description": "Received (also for a replay of a handled notification)"},
    "400": {"description": "Malformed, undecryptable, or not matching the order (amount, "
                           "merchant)"},
    "401": {"description": "Signature invalid, timestamp stale, unknown key serial, or a "
                           "WeChat signature probe"},
    "404": {"description": "No such shop, payment or refund"}})
def wechatpay_notify(shop_slug: str):
    """WeChat Pay's payment and refund notifications (verified, applied exactly once)."""
    def apply() -> str:
        shop = enter_shop(shop_slug)
        notification = accounts.parse_notification(db(), shop.id, shop.slug,
                                                    request.headers, request.get_data())
        outcome = handle_notification(db(), notification)
        return f"{notification.event_type} {notification.id}: {outcome}"

    return notify.receive(db(), shop_slug, apply)
