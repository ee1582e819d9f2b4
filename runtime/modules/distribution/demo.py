"""Demo data of the distribution module: switched on, a gold level, and two of the demo's
members as distributors in a chain (the first refers the second, who refers the buyer of
the demo's paid orders); those orders earn both their commissions, snapshotted and recorded
as the hooks would. It makes no member of its own, so the other demos' ids stay put."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.modules.distribution import commissions, service
from runtime.modules.distribution.models import Distributor, DistributorLevel
from runtime.modules.members.models import Member
from runtime.modules.orders.models import Order, OrderStatus
from runtime.modules.orders.service import order_lines


def seed_demo_distribution(session: Session, shop: Any) -> None:
    if not switches.is_enabled(session, "distribution"):
        switches.enable(session, "distribution")
    if session.scalar(select(Distributor.id).limit(1)) is not None:
        return
    gold = DistributorLevel(name="金牌推广员", rank=1, level1_rate=12, level2_rate=6,
                            upgrade_sales_fen=1000000)
    session.add(gold)
    session.flush()
    orders = list(session.scalars(select(Order).where(
        Order.status.in_([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED]),
        Order.paid_fen > 0).order_by(Order.id).limit(3)))
    if not orders:
        return
    buyer = orders[0].member_id
    others = list(session.scalars(select(Member.id).where(Member.id != buyer)
                                  .order_by(Member.id).limit(2)))
    if len(others) < 2:
        return
    top = service.enrol(session, others[0], "everyone")
    top.level_id = gold.id
    middle = service.enrol(session, others[1], "everyone")
    service.bind(session, others[1], top.code, source="demo")
    service.bind(session, buyer, middle.code, source="demo")
    for order in (o for o in orders if o.member_id == buyer):
        commissions.snapshot(session, order)
        commissions.accrue_for_order(session, order, order_lines(session, [order.id])[order.id])
