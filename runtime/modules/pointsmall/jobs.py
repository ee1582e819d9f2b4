"""The points mall's sweeper: an exchange order that closed (unpaid or refunded) while the
module was off for the shop never reached this module's hooks; its points and exchange
stock are given back here, once (the same :func:`service.give_back`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop
from runtime.modules.orders.models import OrderStatus
from runtime.modules.orders.service import orders_by_ids
from runtime.modules.pointsmall import service
from runtime.modules.pointsmall.models import ExchangeStatus, PointsMallExchange

BATCH = 500


def return_closed(session: Session) -> int:
    """Give back the exchanges still TAKEN whose order is closed, looking through them a
    batch at a time; returns how many were given back."""
    returned = last = 0
    while True:
        batch = session.execute(
            select(PointsMallExchange.id, PointsMallExchange.order_id)
            .where(PointsMallExchange.status == ExchangeStatus.TAKEN.value,
                   PointsMallExchange.id > last)
            .order_by(PointsMallExchange.id).limit(BATCH)).all()
        if not batch:
            return returned
        last = batch[-1].id
        for order in orders_by_ids(session, [row.order_id for row in batch]).values():
            if order.status == OrderStatus.CLOSED.value:
                returned += service.give_back(
                    session, order.id,
                    "refunded" if order.close_reason == "refunded" else "closed")


def return_sweeper() -> dict[int, Any]:
    return for_each_shop(return_closed, "points mall returns")
