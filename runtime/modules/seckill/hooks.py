"""Seckill's side of the order hooks: take activity stock when a seckill order is created,
give back a partial refund's returned units once per refund, and the rest exactly once when
the order closes unpaid or is refunded in full."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.hookspecs import hookimpl
from runtime.modules.seckill import ordering
from runtime.modules.seckill.pricing import KIND


@hookimpl
def order_created(session: Session, order: Any, lines: list[Any], submission: Any) -> None:
    activity = submission.input.activity
    if activity is not None and activity.kind == KIND:
        ordering.take_stock(session, order, lines, activity.id)


@hookimpl
def order_closed(session: Session, order: Any) -> None:
    ordering.release(session, order.id, "closed")


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    """A refund of part of the order's units: those units (``qty``) are refunded, so they
    go back to the activity stock and the gate and stop counting against the buyer's limit,
    once per refund (as a full refund gives back all of them)."""
    units = getattr(refund, "qty", 0)
    if units and order.activity_kind == KIND:
        ordering.release(session, order.id, "refund", key=f"refund-{refund.id}-{line.id}",
                         units=units)


@hookimpl
def order_refunded(session: Session, order: Any, refund: Any) -> None:
    ordering.release(session, order.id, "refunded")
