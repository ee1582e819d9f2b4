"""Seckill's side of the order hooks: take activity stock when a seckill order is created,
give it back exactly once when the order closes unpaid or is refunded in full."""

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
def order_refunded(session: Session, order: Any, refund: Any) -> None:
    ordering.release(session, order.id, "refunded")
