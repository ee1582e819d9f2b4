"""Helpers for the after-sales tests: paid orders (WeChat Pay through the simulator, or the
balance), the merchant's actions through the services, the jobs run as the worker runs
them (due timers released against the test clock, then each queued job called), and a
snapshot of everything a refund may change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from rq.job import Job
from sqlalchemy import func, select

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.aftersales.models import AfterSale, AfterSaleTransition
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.fulfilment.shipping import ship
from runtime.modules.orders.state import Actor
from runtime.modules.payments.models import Refund
from runtime.modules.points.models import PointAccount, PointEntry
from runtime.modules.points.service import credit
from runtime.modules.wallet.service import adjust, reconcile
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.transport import AppTransport
from tests.orders.flow import Shopper, shopper, sku_of

MERCHANT = Actor.merchant(None, "测试店长")


def in_shop(app: Flask, factory: Any, shop: Any, func: Callable[..., Any], *args: Any,
            **kwargs: Any) -> Any:
    """Run ``func(session, ...)`` in the shop, inside the app, and commit."""
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        result = func(s, *args, **kwargs)
        s.commit()
        return result


def read(factory: Any, shop: Any, func: Callable[..., Any]) -> Any:
    with factory._session() as s:
        use_shop(s, shop.id)
        return func(s)


def buyer(app, client, factory, shop, name: str = "alice") -> Shopper:
    person = shopper(app, client, factory, shop, openid=f"o-{name}")
    person.add_address()
    return person


def wechat_paid(app, person: Shopper, items: list[tuple[int, int]], **quote: Any) -> dict:
    """Buy ``items`` ((sku id, qty)) and pay with WeChat Pay through the simulator."""
    q = person.quote(source="items", items=[{"sku_id": s, "qty": n} for s, n in items],
                     **quote)
    order = person.submit(q["quote_id"]).json
    person.pay(order["id"])
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        assert sim.send_payment_notification(order["order_no"],
                                             transport=AppTransport(app)).accepted
    return person.order(order["id"])


def balance_paid(app, factory, shop, person: Shopper, items: list[tuple[int, int]]) -> dict:
    """Top the buyer's balance up and pay ``items`` with it."""
    in_shop(app, factory, shop, adjust, person.member.id, principal_delta_fen=100000,
            key=f"topup-{person.member.id}")
    q = person.quote(source="items", items=[{"sku_id": s, "qty": n} for s, n in items],
                     use_balance=True)
    order = person.submit(q["quote_id"]).json
    assert person.pay(order["id"], "wallet")["paid"] is True
    return person.order(order["id"])


def give_points(app, factory, shop, person: Shopper, points: int) -> None:
    in_shop(app, factory, shop, credit, person.member.id, points, reason="gift",
            key=f"gift-{person.member.id}")


def ship_order(app, factory, shop, order_id: int) -> None:
    in_shop(app, factory, shop, ship, order_id, carrier_code="SF", tracking_no="SF1234567",
            actor=MERCHANT)


def drain(app: Flask, redis_conn: Any) -> list[tuple[str, Any]]:
    """Release the timers due at the test clock, then run every queued job in-process (as
    the worker would), until the queues are empty; returns (job id, result)."""
    ran = []
    for _ in range(20):
        jobs.release_due_jobs(redis_conn)
        pending = [(name, jid) for name in jobs.QUEUE_NAMES
                   for jid in jobs.get_queue(name, redis_conn).job_ids]
        if not pending:
            return ran
        for name, jid in pending:
            job = Job.fetch(jid, connection=redis_conn)
            jobs.get_queue(name, redis_conn).remove(jid)
            with app.app_context():
                ran.append((jid, job.func(*job.args, **job.kwargs)))
    raise AssertionError(f"jobs keep coming: {ran[-5:]}")


def aftersale(factory, shop, aftersale_id: int) -> AfterSale:
    return read(factory, shop, lambda s: s.get(AfterSale, aftersale_id))


def refunds(factory, shop) -> list[tuple[str, int, str]]:
    return read(factory, shop, lambda s: [(r.out_refund_no, r.amount_fen, r.status)
                                          for r in s.scalars(select(Refund).order_by(Refund.id))])


def history(factory, shop, aftersale_id: int) -> list[tuple[str | None, str, str]]:
    return read(factory, shop, lambda s: [
        (t.from_status, t.to_status, t.actor_type) for t in s.scalars(
            select(AfterSaleTransition).where(AfterSaleTransition.aftersale_id == aftersale_id)
            .order_by(AfterSaleTransition.id))])


def stock_and_sales(factory, shop, sku_id: int) -> tuple[int, int]:
    def get(s):
        sku = s.get(Sku, sku_id)
        return sku.stock, s.get(Product, sku.product_id).sales_count
    return read(factory, shop, get)


def points(factory, shop, member_id: int) -> int:
    return read(factory, shop, lambda s: s.scalar(
        select(PointAccount.balance).where(PointAccount.member_id == member_id)) or 0)


def points_balanced(factory, shop) -> bool:
    """Points reconciliation: each account's balance equals its ledger's sum and the open
    lots' remaining points."""
    def check(s):
        for account in s.scalars(select(PointAccount)):
            ledger = s.scalar(select(func.coalesce(func.sum(PointEntry.delta), 0))
                              .where(PointEntry.member_id == account.member_id))
            lots = s.scalar(select(func.coalesce(func.sum(PointEntry.remaining), 0))
                            .where(PointEntry.member_id == account.member_id))
            if not account.balance == ledger == lots:
                return False
        return True
    return read(factory, shop, check)


def wallet_balanced(app, factory, shop) -> bool:
    return in_shop(app, factory, shop, reconcile).ok


def wechat_refund(app, out_refund_no: str) -> dict | None:
    """The simulated WeChat Pay's record of a refund (None: it was never asked)."""
    from runtime.wechat.pay.simulator import SimPayError

    with app.app_context():
        try:
            return WechatPaySimulator.for_app(app).refund_record(out_refund_no)
        except SimPayError:
            return None


def notify_refund(app, out_refund_no: str, status: str = "SUCCESS") -> Any:
    """WeChat finishes the refund and notifies the shop (signed, AEAD-encrypted)."""
    with app.app_context():
        sim = WechatPaySimulator.for_app(app)
        return sim.send_refund_notification(out_refund_no, status=status,
                                            transport=AppTransport(app))


__all__ = ["sku_of"]
