"""WeChat Pay's notification endpoint (``POST /api/v1/payments/wechatpay/notify/<shop>``);
paying an order is the orders API's ``POST .../orders/<id>/pay``, which asks
:func:`runtime.modules.payments.service.start_payment`."""

from __future__ import annotations

from flask import Blueprint, request

from runtime.api import API_PREFIX
from runtime.api.openapi import ApiComponents, operation
from runtime.modules.payments import accounts
from runtime.modules.payments.service import handle_notification
from runtime.tenancy import db, enter_shop
from runtime.wechat import notify

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
