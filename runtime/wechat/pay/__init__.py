"""WeChat Pay API v3 for mini-program (JSAPI) payments: client, crypto, local simulator."""

from runtime.wechat.pay.client import WechatPayClient, wechat_time
from runtime.wechat.pay.config import WechatPayConfig
from runtime.wechat.pay.objects import (
    EventType,
    JsapiPaymentParams,
    Notification,
    Refund,
    RefundStatus,
    TradeState,
    Transaction,
)

__all__ = [
    "EventType",
    "JsapiPaymentParams",
    "Notification",
    "Refund",
    "RefundStatus",
    "TradeState",
    "Transaction",
    "WechatPayClient",
    "WechatPayConfig",
    "wechat_time",
]
