"""How the orders console names order states, fulfilment kinds, payment methods and payment
states, in the user's language (the API keeps the runtime's Chinese labels shoppers read)."""

from __future__ import annotations

from builder.orders.i18n import lazy_gettext as _l
from runtime.modules.orders.models import OrderStatus

STATUS = {
    OrderStatus.PENDING_PAYMENT.value: _l("Awaiting payment"),
    OrderStatus.PAID.value: _l("Awaiting shipment"),
    OrderStatus.SHIPPED.value: _l("Awaiting receipt"),
    OrderStatus.COMPLETED.value: _l("Order completed"),
    OrderStatus.CLOSED.value: _l("Order closed"),
}
FULFILMENT = {"express": _l("Express"), "pickup": _l("Pickup in store"),
              "local": _l("Local delivery")}
METHOD = {"wechatpay": _l("WeChat Pay"), "wallet": _l("Paid from the balance"),
          "cod": _l("Cash on delivery"), "none": _l("Nothing to pay")}
PAYMENT_STATUS = {
    "pending": _l("Payment pending"), "succeeded": _l("Payment succeeded"),
    "closed": _l("Payment closed"), "cod_pending": _l("Cash on delivery, not yet collected"),
    "collected": _l("Collected"), "processing": _l("Refund processing"),
    "abnormal": _l("Refund failed"),
}
