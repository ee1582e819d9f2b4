"""Demo data of the distribution module: switched on, two distributors in a chain (推广员
王芳 refers 李雷, who refers the demo buyer) and the buyer's paid orders earning both of
them their commissions (snapshotted and recorded as the hooks would)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.modules.distribution import commissions, service
from runtime.modules.distribution.models import Distributor, DistributorLevel
from runtime.modules.members.service import login_by_phone
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
    wang = login_by_phone(session, "13900000001").member
    li = login_by_phone(session, "13900000002").member
    wang.nickname, li.nickname = "王芳", "李雷"
    top = service.enrol(session, wang.id, "everyone")
    top.level_id = gold.id
    middle = service.enrol(session, li.id, "everyone")
    service.bind(session, li.id, top.code, source="demo")
    if not orders:
        return
    buyer = orders[0].member_id
    service.bind(session, buyer, middle.code, source="demo")
    for order in (o for o in orders if o.member_id == buyer):
        commissions.snapshot(session, order)
        commissions.accrue_for_order(session, order, order_lines(session, [order.id])[order.id])
