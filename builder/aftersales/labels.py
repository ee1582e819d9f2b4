"""How the console names after-sale states, kinds, alerts and refund methods, in the user's
language (the API keeps the runtime's Chinese labels shoppers read)."""

from __future__ import annotations

from builder.aftersales.i18n import lazy_gettext as _l
from runtime.modules.aftersales.models import AfterSaleKind, AfterSaleStatus, Alert

S = AfterSaleStatus
STATUS = {
    S.APPLY: _l("Awaiting the merchant"), S.SELLER_AGREE: _l("Awaiting the buyer's return"),
    S.BUYER_DELIVERY: _l("Returned by the buyer"), S.WAIT_REFUND: _l("Awaiting refund"),
    S.REFUNDING: _l("Refunding"), S.SELLER_RESHIP: _l("Replacement sent"),
    S.COMPLETE: _l("Completed"), S.BUYER_CANCEL: _l("Withdrawn by the buyer"),
    S.SELLER_DISAGREE: _l("Declined"), S.SELLER_REFUSE: _l("Return refused"),
}
KIND = {AfterSaleKind.REFUND: _l("Refund only"), AfterSaleKind.RETURN: _l("Return and refund"),
        AfterSaleKind.EXCHANGE: _l("Exchange")}
ALERT = {Alert.REFUND_CLOSED: _l("Refund closed"), Alert.REFUND_ABNORMAL: _l("Refund failed"),
         Alert.GOODS_RECEIVED: _l("Replacement due"), Alert.SEND_FAILED: _l("Not sent")}
REFUND_METHOD = {
    "wechatpay": _l("Back to the buyer's WeChat Pay"), "wallet": _l("Back to the balance"),
    "cod": _l("Cash on delivery, refunded offline"),
    "none": _l("Nothing to refund (no cash paid; points returned)"),
}
