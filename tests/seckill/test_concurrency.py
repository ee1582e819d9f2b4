"""The rush: many buyers at once against the real gate (Redis) and the order jobs against the
database (PostgreSQL + Redis when MALLKIT_TEST_DATABASE_URL / MALLKIT_TEST_REDIS_URL are
set; the embedded default otherwise). Stock never goes below zero in either store, the
orders are exactly the activity stock, every buyer stays within the limits — with a gate
that admits ten times too much, and with Redis flushed half-way."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from rq.job import Job, JobStatus
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.errors import MallkitError
from runtime.modules.members.models import Member
from runtime.modules.orders.models import Address, Order
from runtime.modules.seckill import gate, ordering
from runtime.modules.seckill.jobs import create_order_job, sweep_shop
from runtime.modules.seckill.models import SeckillOrder
from runtime.modules.seckill.warming import warm_shop
from tests.seckill.helpers import at, example, state_of

STOCK = 100


def _buyers(app, factory, shop, n: int) -> list[int]:
    """``n`` members, each with a default address, inserted in bulk."""
    members = [Member(openid=f"rush-{shop.id}-{i}", nickname=f"买家{i}") for i in range(n)]
    factory.add(shop, *members)
    factory.add(shop, *[Address(member_id=m.id, name="买家", phone="13800138000",
                                province="上海市", city="上海市", district="静安区",
                                detail="南京西路 1 号", is_default=True) for m in members])
    return [m.id for m in members]


@dataclass
class Known:
    """A caller whose member is known already (the rush threads): no member token to check."""

    member_id: int
    token: str = ""

    def authenticate(self) -> int:
        return self.member_id

    def vouched(self, member_id: int) -> None:
        assert member_id == self.member_id


def _warm(app, shop):
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        warm_shop(s, mk.redis, shop.id)
        s.commit()


def _rush(app, shop, ids, member_ids, threads: int = 16) -> list[gate.Ticket | MallkitError]:
    """Every member tries once, ``threads`` at a time, through the gate (as the API does)."""
    mk = app.extensions["mallkit"]
    secret = app.config["SECRET_KEY"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        until = int(ordering.issue_token(s, secret, shop.id, ids["activity_id"],
                                         member_ids[0])["token"].split(".")[1])

    def attempt(member_id: int):
        signature = ordering.sign(secret, shop.id, ids["activity_id"], member_id, until)
        token = f"{member_id}.{until}.{signature}"
        request = {"activity_id": ids["activity_id"], "sku_id": ids["sku_id"], "qty": 1,
                   "token": token, "options": {}}
        with app.app_context(), mk.session_factory() as s:
            use_shop(s, shop.id)
            try:
                return ordering.place(lambda: s, mk.redis, shop.id, Known(member_id), request,
                                      attempts=5, secret=secret)
            except MallkitError as exc:
                return exc

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(attempt, member_ids))


def _drain(app, shop, tickets: list[gate.Ticket]) -> list[str]:
    """The workers: run the admitted tickets' order jobs, 8 at a time on PostgreSQL (one on
    SQLite, whose writers queue behind one lock anyway)."""
    sqlite = app.extensions["mallkit"].settings.database_url.startswith("sqlite")
    threads = 1 if sqlite else 8
    def run(ticket: gate.Ticket) -> str:
        with app.app_context():
            return create_order_job(shop.id, ticket.ticket)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, tickets))


def _per_buyer(app, shop) -> dict[int, int]:
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        return dict(s.execute(select(SeckillOrder.member_id, func.sum(SeckillOrder.qty))
                              .where(SeckillOrder.stock_released.is_(False))
                              .group_by(SeckillOrder.member_id)).all())


def _orders(app, shop) -> int:
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        return s.scalar(select(func.count()).select_from(Order)
                        .where(Order.activity_kind == "seckill"))


def test_a_thousand_buyers_for_a_hundred(app, factory, shop, clock):
    ids = example(app, factory, shop, stock=STOCK, sku_stock=150, per_user=1)
    members = _buyers(app, factory, shop, 1000)
    at(clock, 2026, 12, 5, 10, 0, 1)
    _warm(app, shop)
    outcomes = _rush(app, shop, ids, members)
    admitted = [o for o in outcomes if isinstance(o, gate.Ticket)]
    refused = {o.code for o in outcomes if isinstance(o, MallkitError)}
    assert len(admitted) == STOCK and refused == {"seckill_sold_out"}
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 0
    assert _drain(app, shop, admitted) == ["created"] * STOCK
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 0, "gate": 0, "held": STOCK, "orders": STOCK, "catalog": 50}
    assert _orders(app, shop) == STOCK
    assert set(_per_buyer(app, shop).values()) == {1}


def test_a_gate_loaded_ten_times_too_high_still_sells_the_stock_once(
        app, factory, shop, clock, redis_conn):
    ids = example(app, factory, shop, stock=STOCK, sku_stock=150, per_user=1)
    members = _buyers(app, factory, shop, 300)
    at(clock, 2026, 12, 5, 10, 0, 1)
    _warm(app, shop)
    redis_conn.set(gate.stock_key(shop.id, ids["activity_id"], ids["sku_id"]), 10 * STOCK)
    admitted = [o for o in _rush(app, shop, ids, members) if isinstance(o, gate.Ticket)]
    assert len(admitted) == 300
    results = _drain(app, shop, admitted)
    assert (results.count("created"), results.count("failed")) == (STOCK, 200)
    found = state_of(app, shop, ids["activity_id"], ids["sku_id"])
    assert (found["db"], found["held"], found["orders"], found["catalog"]) == (0, STOCK, STOCK,
                                                                               50)
    assert found["gate"] == 10 * STOCK - STOCK  # the refused units came back to the gate
    assert _orders(app, shop) == STOCK and set(_per_buyer(app, shop).values()) == {1}


def test_redis_flushed_after_fifty_sales_sells_exactly_the_stock(
        app, factory, shop, clock, redis_conn):
    ids = example(app, factory, shop, stock=STOCK, sku_stock=150, per_user=1)
    members = _buyers(app, factory, shop, 250)
    at(clock, 2026, 12, 5, 10, 0, 1)
    _warm(app, shop)
    first = [o for o in _rush(app, shop, ids, members[:50]) if isinstance(o, gate.Ticket)]
    assert _drain(app, shop, first) == ["created"] * 50
    redis_conn.flushdb()
    clock.advance(timedelta(minutes=1))
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        assert sweep_shop(s)["loaded"] == 1  # the sweeper rebuilds the lost keys
        s.commit()
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 50
    outcomes = _rush(app, shop, ids, members)  # the first fifty again, and 200 more
    again = [o for o in outcomes[:50] if isinstance(o, MallkitError)]
    assert {o.code for o in again} == {"seckill_user_limit"} and len(again) == 50
    second = [o for o in outcomes if isinstance(o, gate.Ticket)]
    assert len(second) == 50
    assert _drain(app, shop, second) == ["created"] * 50
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 0, "gate": 0, "held": STOCK, "orders": STOCK, "catalog": 50}
    assert set(_per_buyer(app, shop).values()) == {1}


def test_a_killed_order_job_ends_as_one_order_or_one_release(
        app, factory, shop, clock, redis_conn):
    """Killed before its commit (its RQ job left "started" with a stale heartbeat): the
    sweeper finds no order and gives the unit back. Killed after its commit but before it
    settled the ticket: the sweeper finds the order and keeps the unit sold."""
    ids = example(app, factory, shop, stock=2, per_user=1)
    members = _buyers(app, factory, shop, 2)
    at(clock, 2026, 12, 5, 10, 0, 1)
    _warm(app, shop)
    before, after = _rush(app, shop, ids, members, threads=1)
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 0

    killed = Job.fetch(before.ticket, connection=redis_conn)
    killed.set_status(JobStatus.STARTED)
    killed.heartbeat(clock.now().replace(tzinfo=None), 60)
    assert _drain(app, shop, [after]) == ["created"]
    redis_conn.hset(gate.ticket_key(shop.id, after.ticket), "status", "queued")
    redis_conn.zadd(gate.pending_key(shop.id), {after.ticket: clock.now().timestamp()})
    Job.fetch(after.ticket, connection=redis_conn).set_status(JobStatus.FAILED)

    clock.advance(timedelta(minutes=3))
    mk = app.extensions["mallkit"]
    with app.app_context(), mk.session_factory() as s:
        use_shop(s, shop.id)
        swept = sweep_shop(s)
        s.commit()
    assert (swept["created"], swept["failed"]) == (1, 1)
    assert gate.read_ticket(redis_conn, shop.id, before.ticket).status == "failed"
    assert gate.read_ticket(redis_conn, shop.id, after.ticket).status == "created"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) == {
        "db": 1, "gate": 1, "held": 1, "orders": 1, "catalog": 119}
    with app.app_context(), mk.session_factory() as s:  # a second sweep changes nothing
        use_shop(s, shop.id)
        assert sweep_shop(s) == {"loaded": 0, "created": 0, "failed": 0}
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["gate"] == 1
