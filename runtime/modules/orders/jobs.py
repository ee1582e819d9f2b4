"""Order timers and sweepers: the unpaid-order close (a scheduled job per order plus a
sweeper for any lost while Redis was down), auto-confirm of receipt, paid-order follow-up
and the console's .xlsx export."""

from __future__ import annotations

import logging

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.jobs import for_each_shop, job_session
from runtime.modules.loader import hooks
from runtime.modules.orders.models import Order, OrderStatus
from runtime.modules.orders.service import auto_confirm_due, order_lines, unpaid_overdue
from runtime.modules.orders.state import Actor, OrderEvent
from runtime.shops.models import Shop
from runtime.shoptime import shop_zone

log = logging.getLogger(__name__)


def close_unpaid_order(shop_id: int, order_id: int) -> str:
    """At the payment deadline: the one unpaid-close flow (WeChat is asked first: a payment
    whose notification is late is applied, not closed)."""
    from sqlalchemy import select

    from runtime.modules.orders.paying import close_unpaid

    with job_session(shop_id) as session:
        order = session.get(Order, order_id)
        if order is None or order.status != OrderStatus.PENDING_PAYMENT:
            return "not pending"
        if order.pay_deadline_at > utcnow():
            return "not due"
        shop = session.get(Shop, shop_id)
        assert shop is not None
        closed = close_unpaid(session, shop_id, shop.slug, order_id, OrderEvent.TIMED_OUT,
                              Actor.system("unpaid-timeout"), "未在付款期限内支付")
        if closed is not None:
            return "closed"
        status = session.scalar(select(Order.status).where(Order.id == order_id))
        return "paid" if status != OrderStatus.PENDING_PAYMENT else "not pending"


def sweep_unpaid_orders() -> int:
    """Close every overdue unpaid order whose timer job was lost."""
    with job_session() as session, platform_access(session, "orders: unpaid sweeper"):
        overdue = unpaid_overdue(session)
    closed = 0
    for shop_id, order_id in overdue:
        try:
            closed += close_unpaid_order(shop_id, order_id) == "closed"
        except Exception:
            log.exception("sweeper could not close order %s of shop %s", order_id, shop_id)
    return closed


def sweep_auto_confirm() -> int:
    """Complete shipped orders whose auto-confirm time has passed, shop by shop."""
    with job_session() as session, platform_access(session, "orders: auto-confirm sweeper"):
        shops = sorted({shop_id for (shop_id,) in session.query(Order.shop_id).filter(
            Order.status == OrderStatus.SHIPPED, Order.auto_confirm_at <= utcnow()).distinct()})
    done = for_each_shop(lambda session: len(auto_confirm_due(session)), "auto-confirm", shops)
    return sum(done.values())


def order_paid_followup(shop_id: int, order_id: int) -> None:
    """The slow part of a payment, kept out of the notification handler: the ``order_paid``
    hook (members: the purchase record and growth; points: points earned ...)."""
    with job_session(shop_id) as session:
        order = session.get(Order, order_id)
        if order is None or order.status == OrderStatus.CLOSED:
            return
        lines = order_lines(session, [order.id])[order.id]
        hooks(session).order_paid(session=session, order=order, lines=lines)




def export_orders(shop_id: int, export_id: str, filters: dict) -> str:
    """Write the console's order export (.xlsx) and record where it is."""
    from dataclasses import replace

    from runtime.extension import state
    from runtime.modules.orders import export

    mk = state()
    current = export.load(mk.redis, shop_id, export_id)
    if current is None:
        return "expired"
    try:
        with job_session(shop_id) as session:
            path = export.export_path(mk.settings.data_dir, shop_id, export_id)
            rows = export.write_workbook(session, export.filter_from_dict(filters), path,
                                         shop_zone(session))
    except Exception as exc:
        export.save(mk.redis, shop_id, replace(current, status="failed", error=str(exc)[:200]))
        raise
    export.save(mk.redis, shop_id, replace(current, status="done", rows=rows,
                                           filename=f"orders-{export_id}.xlsx"))
    return "done"
