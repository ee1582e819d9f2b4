"""The shop's day in figures for the console overview (店铺概况): what was paid on a day of
the shop's calendar (amount, orders, paying members) and the orders waiting on the shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from runtime.modules.orders.models import Order, OrderStatus
from runtime.shoptime import local_midnight


@dataclass(frozen=True)
class DayFigures:
    paid_fen: int
    orders: int
    paying_members: int


@dataclass(frozen=True)
class Waiting:
    to_ship: int  # 待发货: paid (or cash on delivery) and not shipped
    unpaid: int  # 待付款


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where ``day`` starts and ends on the shop's clock."""
    return (local_midnight(zone, day).astimezone(UTC),
            local_midnight(zone, day + timedelta(days=1)).astimezone(UTC))


def paid_on(session: Session, day: date, zone: ZoneInfo) -> DayFigures:
    """Money received on ``day``: orders by the time they were paid (a later refund does not
    change the day's figure, as in WeChat Pay's own daily bill)."""
    start, end = day_bounds(day, zone)
    total, count, members = session.execute(
        select(func.coalesce(func.sum(Order.paid_fen), 0), func.count(Order.id),
               func.count(distinct(Order.member_id)))
        .where(Order.paid_at >= start, Order.paid_at < end)).one()
    return DayFigures(int(total), int(count), int(members))


def waiting(session: Session) -> Waiting:
    counts = {status: n for status, n in session.execute(
        select(Order.status, func.count(Order.id))
        .where(Order.status.in_([OrderStatus.PAID, OrderStatus.PENDING_PAYMENT]))
        .group_by(Order.status))}
    return Waiting(to_ship=counts.get(OrderStatus.PAID, 0),
                   unpaid=counts.get(OrderStatus.PENDING_PAYMENT, 0))
