"""Flows that talk to WeChat Pay between transactions (never while holding a row lock)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.errors import Conflict
from runtime.modules.orders.errors import OrderErrorCode
from runtime.modules.orders.models import Order
from runtime.modules.orders.service import close_order
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.modules.payments import accounts
from runtime.modules.payments.service import (
    Outcome,
    apply_transaction,
    pending_wechat_payment,
)
from runtime.wechat.errors import TransactionNotFound


def cancel_unpaid(session: Session, shop_id: int, shop_slug: str, order_id: int, actor: Actor,
                  reason: str = "") -> Order:
    """Cancel an unpaid order. When it was sent to WeChat Pay, WeChat is asked first: a
    payment that already went through is applied (409 ``already_paid``), otherwise the
    WeChat order is closed so it can no longer be paid, then ours is closed."""
    payment = pending_wechat_payment(session, order_id)
    if payment is not None:
        client = accounts.shop_wechat(session, shop_id, shop_slug).pay_client()
        try:
            tx = client.query_by_out_trade_no(payment.out_trade_no)
        except TransactionNotFound:
            tx = None
        if tx is not None and tx.paid:
            apply_transaction(session, tx, actor=Actor.system("reconcile"))
            session.commit()
            raise Conflict("the order was paid just now; it can no longer be cancelled",
                           code=OrderErrorCode.ALREADY_PAID.value)
        if tx is not None:
            session.commit()  # release nothing held while WeChat answers
            client.close(payment.out_trade_no)
    order = close_order(session, order_id, OrderEvent.CANCELLED, actor, reason)
    assert order is not None
    return order


__all__ = ["Outcome", "cancel_unpaid"]
