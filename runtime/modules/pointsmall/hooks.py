"""What the points mall does when orders tell it something: take the points and exchange
stock of a new exchange order; give back the points in the share of money refunded, and the
rest when it closes unpaid or is refunded in full. Each is idempotent by order or refund (see
:mod:`runtime.modules.pointsmall.service`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.pointsmall import service
from runtime.modules.pointsmall.pricing import quoted_exchange


@hookimpl
def order_created(session: Session, order: Any, lines: list[Any], submission: Any) -> None:
    """An exchange order: take its points and exchange stock (raising refuses the order)."""
    quoted = quoted_exchange(submission)
    if quoted is None:
        return
    line = lines[0]
    service.take_exchange(session, order.id, order.member_id, quoted.item_id, line.sku_id,
                          line.qty, quoted.points)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    service.give_back(session, order.id, "closed")


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    """Part of a points + cash exchange refunded: the points in that share come back now."""
    service.give_back_share(session, order.id, refund.id, paid_fen=order.paid_fen,
                            refunded_fen=refund.order_refunded_fen)


@hookimpl
def order_refunded(session: Session, order: Any, refund: Any) -> None:
    service.give_back(session, order.id, "refunded")
