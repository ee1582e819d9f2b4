"""Demo data: one real after-sale on a paid order of the demo shop (the demo's first order
with money in: the reviews demo's delivered cash-on-delivery orders, seeded first through
``Module.seed_after``),
asked by its buyer and agreed by the merchant through the same services the API and the
console use — the money goes back the way it was paid (cash on delivery: settled by hand).
Nothing is made while the shop has no paid order, and nothing twice."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import MallkitError
from runtime.modules.aftersales import service
from runtime.modules.aftersales.models import AfterSale
from runtime.modules.orders.models import Order, OrderStatus
from runtime.modules.orders.service import order_lines
from runtime.modules.orders.state import Actor

log = logging.getLogger(__name__)


def seed_demo_aftersale(session: Session, shop: Any) -> None:
    """A buyer's partial refund of one line (拍错规格，退差价), agreed by the demo owner."""
    if session.scalar(select(AfterSale.id).limit(1)) is not None:
        return
    orders = session.scalars(select(Order).where(
        Order.status.in_([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED]),
        Order.paid_fen > 0).order_by(Order.id).limit(5))
    for order in orders:
        line = order_lines(session, [order.id])[order.id][0]
        try:
            with session.begin_nested():
                request = service.create_request(session, order.member_id, {
                    "order_id": order.id, "line_id": line.id, "kind": "refund",
                    "amount_fen": min(line.payable_fen, 500), "reason": "拍错规格，退差价",
                    "description": "颜色选错了，商家同意退 5 元差价"})
                service.agree(session, request.id, Actor.merchant(None, "演示店主"), "同意退差价")
        except MallkitError as exc:  # e.g. its after-sales window is over: try the next
            log.info("demo after-sale not made on order %s: %s", order.order_no, exc.detail)
            continue
        return
