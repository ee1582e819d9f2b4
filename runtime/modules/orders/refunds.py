"""Orders' side of after-sales refunds: the module that refunds (aftersales) reads lines
here and closes an order once every line is refunded; the stock of returned goods comes
back through the ``line_refunded`` hook (:mod:`.hooks`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules.catalog import stock
from runtime.modules.orders import state
from runtime.modules.orders.models import CloseReason, Order, OrderLine, OrderStatus
from runtime.modules.orders.service import lock_order
from runtime.modules.orders.state import Actor, OrderEvent


def get_line(session: Session, order_id: int, line_id: Any) -> OrderLine | None:
    """A line of ``order_id`` (None when the id names no line of that order)."""
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        return None
    return session.scalar(select(OrderLine).where(OrderLine.id == line_id,
                                                  OrderLine.order_id == order_id))


def close_refunded(session: Session, order_id: int, actor: Actor, reason: str = "") -> bool:
    """Every line of the order is refunded in full: it closes (from 待发货, 待收货 or
    已完成). An order already closed is left alone (False)."""
    order = lock_order(session, order_id)
    if not state.can(order, OrderEvent.REFUNDED):
        return False
    state.transition(session, order, OrderEvent.REFUNDED, actor, reason)
    order.close_reason = CloseReason.REFUNDED.value
    session.flush()
    return True


def restock_line(session: Session, line: OrderLine, qty: int, key: str) -> None:
    """Returned goods of ``line`` go back to stock and off the sales count, once per key."""
    stock.return_sale(session, line.sku_id, qty, key=key, reference=f"line-{line.id}")


def is_paid(order: Order) -> bool:
    """Paid (or cash on delivery accepted) and not closed: after-sales may act on it."""
    return order.status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED)


def exchange_stock(session: Session, line: OrderLine, qty: int, key: str) -> None:
    """An exchange: the returned goods come back to stock and the replacement leaves it
    (409 ``insufficient_stock`` when there is none); the sale itself stands. Once per key."""
    stock.adjust(session, line.sku_id, qty, "exchange_in", reference=f"line-{line.id}",
                 key=f"{key}-in")
    stock.adjust(session, line.sku_id, -qty, "exchange_out", reference=f"line-{line.id}",
                 key=f"{key}-out")
