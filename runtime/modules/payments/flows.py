"""Flows that talk to WeChat Pay between transactions (never while holding a row lock)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules.payments import accounts
from runtime.modules.payments.service import apply_transaction, pending_wechat_payment
from runtime.wechat.errors import TransactionNotFound


def settle_before_close(session: Session, shop_id: int, shop_slug: str, order_id: int) -> bool:
    """Before an order closes unpaid: when it was sent to WeChat Pay, ask WeChat. A payment
    that already went through is applied (committed; True: the order is paid now),
    otherwise the WeChat order is closed so it can no longer be paid (False). WeChat errors
    other than "no such order" propagate; the caller decides whether to close anyway."""
    payment = pending_wechat_payment(session, order_id)
    if payment is None:
        return False
    client = accounts.shop_wechat(session, shop_id, shop_slug).pay_client()
    try:
        tx = client.query_by_out_trade_no(payment.out_trade_no)
    except TransactionNotFound:
        return False
    if tx.paid:
        apply_transaction(session, tx, by="reconcile")
        session.commit()
        return True
    session.commit()  # hold nothing while WeChat answers
    client.close(payment.out_trade_no)
    return False
