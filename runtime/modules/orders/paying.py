"""Paying for an order and closing it unpaid: orders asks the payments module (its
``requires``); payments answers through the ``payment_lock`` / ``payment_succeeded`` hooks
(:mod:`runtime.modules.orders.hooks`) and never reads or writes an order itself.

:func:`close_unpaid` is the one unpaid-close flow, for the buyer's or merchant's cancel and
the payment-deadline timer alike.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, ValidationFailed
from runtime.modules.orders.errors import InvalidTransition, OrderErrorCode
from runtime.modules.orders.models import Order, OrderStatus
from runtime.modules.orders.service import close_order, get_order, lock_order, order_lines
from runtime.modules.orders.settings import get_settings
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments import flows
from runtime.modules.payments import service as payments
from runtime.modules.payments.errors import PaymentErrorCode
from runtime.modules.payments.models import PaymentMethod
from runtime.wechat.errors import WechatError

log = logging.getLogger(__name__)


def check_pending(order: Order) -> None:
    """Only an unpaid order within its deadline can be paid (409 otherwise)."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise InvalidTransition(f"order {order.order_no} is {order.status}; only an unpaid "
                                "order can be paid", code=OrderErrorCode.ALREADY_PAID.value
                                if order.status != OrderStatus.CLOSED else None,
                                extra={"status": order.status})
    if order.pay_deadline_at <= utcnow():
        raise InvalidTransition(f"order {order.order_no} is past its payment deadline",
                                extra={"status": "expired"})


def method_allowed(session: Session, order: Order, method: PaymentMethod) -> bool:
    """The shop's order settings: which methods it takes (cash on delivery only for
    orders that are delivered)."""
    settings = get_settings(session)
    if method == PaymentMethod.WALLET:
        return settings.allow_wallet
    if method == PaymentMethod.COD:
        return settings.allow_cod and order.fulfilment in ("express", "local")
    return settings.allow_wechatpay


def _description(session: Session, order: Order) -> str:
    lines = order_lines(session, [order.id])[order.id]
    first = lines[0].title if lines else "商品"
    text = first if len(lines) <= 1 else f"{first} 等{len(lines)}件商品"
    return text[:127]


def pay_order(session: Session, order_id: Any, method: Any,
              ctx: payments.PayContext) -> tuple[payments.PayStart, Order]:
    """Pay a member's unpaid order with ``method`` (``wechatpay``, ``wallet`` or ``cod``).
    Balance and cash on delivery settle at once, with the order locked first."""
    try:
        chosen = PaymentMethod(method) if isinstance(method, str) else None
    except ValueError:
        chosen = None
    if chosen is None:
        raise ValidationFailed.single("/method", "wechatpay, wallet or cod", "enum")
    order = get_order(session, order_id, member_id=ctx.member_id)
    check_pending(order)
    if not method_allowed(session, order, chosen):
        raise ValidationFailed.single("/method", f"this shop does not take {chosen} for this "
                                      "order", PaymentErrorCode.PAYMENT_METHOD_UNAVAILABLE.value)
    if chosen != PaymentMethod.WECHATPAY:
        order = lock_order(session, order.id)
        check_pending(order)
    payable = payments.Payable(order_id=order.id, order_no=order.order_no,
                               member_id=order.member_id, amount_fen=order.payable_fen,
                               deadline=order.pay_deadline_at,
                               description=_description(session, order))
    started = payments.start_payment(session, payable, chosen, ctx)
    return started, get_order(session, order.id)


def close_unpaid(session: Session, shop_id: int, shop_slug: str, order_id: int,
                 event: OrderEvent, actor: Actor, reason: str = "") -> Order | None:
    """Close an unpaid order (buyer or merchant cancel, or the deadline timer). When it was
    sent to WeChat Pay, WeChat is asked first (outside any row lock): a payment that already
    went through is applied instead — a cancel then answers 409 ``already_paid``, the timer
    returns None — otherwise the WeChat order is closed so it can no longer be paid. The
    timer closes even when WeChat cannot be reached (its prepay expires at the deadline; a
    payment that slipped in is refunded when its notification arrives). Returns the closed
    order, or None when the timer found nothing to close."""
    timeout = event == OrderEvent.TIMED_OUT
    if timeout:
        order = session.get(Order, order_id)
        if order is None or order.status != OrderStatus.PENDING_PAYMENT \
                or order.pay_deadline_at > utcnow():
            return None
    try:
        paid = flows.settle_before_close(session, shop_id, shop_slug, order_id)
    except WechatError as exc:
        if not timeout:
            raise
        log.warning("order %s: WeChat Pay not reachable before closing (%s)", order_id,
                    exc.detail)
        session.rollback()
        paid = False
    if paid:
        if timeout:
            return None
        raise Conflict("the order was paid just now; it can no longer be cancelled",
                       code=OrderErrorCode.ALREADY_PAID.value)
    return close_order(session, order_id, event, actor, reason)
