"""Demo data: the demo shop's first paid order gets a real refund-only request, approved and
refunded through the same flow a merchant uses (balance orders back to the wallet, WeChat
Pay orders through the simulator's refund)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules.aftersales import service
from runtime.modules.aftersales.models import AfterSale
from runtime.modules.orders.models import Order, OrderStatus
from runtime.modules.orders.service import order_lines
from runtime.modules.orders.state import Actor


def seed_demo_aftersale(session: Session, shop: Any) -> None:
    """One buyer's refund request of a paid, not yet shipped order, agreed by the merchant."""
    if session.scalar(select(AfterSale.id).limit(1)) is not None:
        return
    order = session.scalar(select(Order).where(Order.status == OrderStatus.PAID,
                                               Order.paid_fen > 0).order_by(Order.id))
    if order is None:
        return
    line = order_lines(session, [order.id])[order.id][0]
    request = service.create_request(session, order.member_id, {
        "order_id": order.id, "line_id": line.id, "kind": "refund",
        "amount_fen": min(line.payable_fen, 100), "reason": "拍错了规格",
        "description": "想换个颜色，先退一部分差价"})
    service.agree(session, request.id, Actor.merchant(None, "演示店长"), "同意退款")
    session.flush()
