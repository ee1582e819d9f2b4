"""Orders' side of the payments hooks: payments tells orders that money came in, and takes
the order's lock first so every flow touching an order and its payments locks the order
before the payment (no deadlock between a notification and a cancel). Also its counts on
the console overview."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import OverviewFigure, hookimpl
from runtime.modules.orders.models import OrderStatus
from runtime.modules.orders.overview import waiting
from runtime.modules.orders.service import lock_order, mark_paid
from runtime.modules.orders.state import Actor

REASONS = {"wallet": "余额支付", "cod": "货到付款"}


@hookimpl
def payment_lock(session: Session, payment: Any) -> None:
    lock_order(session, payment.order_id)


@hookimpl
def payment_succeeded(session: Session, payment: Any, by: str) -> bool:
    """Mark the order paid (cash on delivery: accepted, collected on delivery). False when
    it is no longer unpaid (closed meanwhile: payments refunds the money)."""
    order = lock_order(session, payment.order_id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    actor = {"wechat": Actor.wechat(), "member": Actor.member(order.member_id)}.get(
        by, Actor.system(by))
    reason = REASONS.get(payment.method, f"微信支付 {payment.transaction_id}")
    amount = 0 if payment.method == "cod" else payment.amount_fen
    mark_paid(session, order, payment.method, actor, amount_fen=amount, reason=reason)
    return True


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    """Goods that came back go back to stock and off the sales count (key by refund and
    line); goods that stayed with the buyer change nothing."""
    from runtime.modules.orders.refunds import restock_line

    qty = getattr(refund, "restock_qty", 0)  # a refund that names no goods moves none
    if qty:
        restock_line(session, line, qty, f"aftersale-{refund.id}-{line.id}")


@hookimpl
def overview_figures(session: Session) -> list[OverviewFigure]:
    """Orders to ship and unpaid orders on the console's overview."""
    counts = waiting(session)
    return [OverviewFigure("to_ship", {"zh-CN": "待发货订单", "en": "Orders to ship"},
                           counts.to_ship, "orders", "orders_console.order_list",
                           {"status": OrderStatus.PAID.value}, position=10),
            OverviewFigure("unpaid", {"zh-CN": "待付款订单", "en": "Unpaid orders"},
                           counts.unpaid, "orders", "orders_console.order_list",
                           {"status": OrderStatus.PENDING_PAYMENT.value}, position=20)]
