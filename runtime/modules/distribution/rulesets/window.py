"""Whether order lines are past the after-sales window: the order was received (completed)
``after_sale_days`` ago or more, no after-sale of the line is open; with what was refunded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LineFact:
    line_id: int
    order_id: int
    member_id: int
    product_id: int
    qty: int
    payable_fen: int
    refunded_fen: int
    open_aftersale: bool
    completed_at: datetime | None

    def past_window(self, now: datetime, after_sale_days: int) -> bool:
        return (self.completed_at is not None and not self.open_aftersale
                and self.completed_at + timedelta(days=after_sale_days) <= now)

    @property
    def left_fen(self) -> int:
        return max(self.payable_fen - self.refunded_fen, 0)


def line_facts(session: Session, line_ids: Iterable[int]) -> dict[int, LineFact]:
    """The lines' orders, amounts, refunds and open after-sales (read only)."""
    from runtime.modules.aftersales.ledger import line_states
    from runtime.modules.orders.models import Order, OrderLine

    ids = sorted(set(line_ids))
    if not ids:
        return {}
    rows = session.execute(select(OrderLine.id, OrderLine.order_id, Order.member_id,
                                  OrderLine.product_id, OrderLine.qty, OrderLine.payable_fen,
                                  Order.completed_at)
                           .join(Order, Order.id == OrderLine.order_id)
                           .where(OrderLine.id.in_(ids))).all()
    states = line_states(session, sorted({r.order_id for r in rows}))
    out = {}
    for r in rows:
        state = states.get(r.id)
        out[r.id] = LineFact(r.id, r.order_id, r.member_id, r.product_id, r.qty, r.payable_fen,
                             state.refunded_fen if state else 0,
                             bool(state and state.open_aftersale_id is not None),
                             r.completed_at)
    return out
