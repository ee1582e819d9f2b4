"""The stock service: idempotent reserve/release/commit, adjust, the ledger, the locks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, text

from runtime.db import use_shop
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules.catalog import products, stock
from runtime.modules.catalog.errors import InsufficientStock
from runtime.modules.catalog.models import Product, Sku, StockLedgerEntry, StockReservation


def _sku(factory, shop, qty=10, **kw) -> Sku:
    product = factory.product(shop, stock=qty, **kw)
    with factory._session() as s:
        use_shop(s, shop.id)
        return products.product_skus(s, product.id)[0]


def _fresh(session, sku_id) -> Sku:
    session.expire_all()
    return session.get(Sku, sku_id)


def _ledger(session, sku_id):
    return [(e.reason, e.delta, e.balance, e.reference)
            for e in reversed(stock.ledger(session, sku_id))]


def test_reserve_release_are_idempotent_by_key(shop_session, factory, shop):
    sku = _sku(factory, shop, qty=10)
    first = stock.reserve(shop_session, sku.id, 3, "order-1")
    shop_session.commit()
    again = stock.reserve(shop_session, sku.id, 3, "order-1")
    shop_session.commit()
    assert first.created and not again.created
    assert [r.id for r in again.lines] == [r.id for r in first.lines]
    assert _fresh(shop_session, sku.id).stock == 7

    stock.release(shop_session, "order-1")
    shop_session.commit()
    stock.release(shop_session, "order-1")
    shop_session.commit()
    assert _fresh(shop_session, sku.id).stock == 10
    assert _ledger(shop_session, sku.id) == [
        ("initial", 10, 10, f"product:{sku.product_id}"),
        ("reserve", -3, 7, "order-1"), ("release", 3, 10, "order-1")]
    # a released key stays released: reserving it again does not take stock twice
    repeat = stock.reserve(shop_session, sku.id, 3, "order-1")
    assert not repeat.created and repeat.status == "released"
    assert _fresh(shop_session, sku.id).stock == 10


def test_commit_is_idempotent_and_counts_sales(shop_session, factory, shop):
    sku = _sku(factory, shop, qty=5)
    stock.reserve(shop_session, sku.id, 2, "order-2")
    stock.commit(shop_session, "order-2")
    stock.commit(shop_session, "order-2")
    shop_session.commit()
    shop_session.expire_all()
    assert shop_session.get(Sku, sku.id).stock == 3
    assert shop_session.get(Product, sku.product_id).sales_count == 2
    with pytest.raises(Conflict) as info:
        stock.release(shop_session, "order-2")
    assert info.value.code == "reservation_committed"
    shop_session.rollback()
    with pytest.raises(NotFound):
        stock.commit(shop_session, "never-reserved")
    assert stock.release(shop_session, "never-reserved") == []


def test_committing_a_released_key_is_refused(shop_session, factory, shop):
    sku = _sku(factory, shop, qty=5)
    stock.reserve(shop_session, sku.id, 1, "order-3")
    stock.release(shop_session, "order-3")
    with pytest.raises(Conflict) as info:
        stock.commit(shop_session, "order-3")
    assert info.value.code == "reservation_released"


def test_a_key_reused_for_other_lines_is_refused(shop_session, factory, shop):
    sku = _sku(factory, shop, qty=5)
    stock.reserve(shop_session, sku.id, 1, "order-4")
    with pytest.raises(Conflict) as info:
        stock.reserve(shop_session, sku.id, 2, "order-4")
    assert info.value.code == "reservation_key_reused"


def test_multi_line_reserve_names_every_short_sku_and_takes_nothing(shop_session, factory,
                                                                    shop):
    a, b, c = _sku(factory, shop, qty=5), _sku(factory, shop, qty=1), _sku(factory, shop, qty=0)
    with pytest.raises(InsufficientStock) as info:
        stock.reserve_lines(shop_session, [(a.id, 2), (b.id, 2), (c.id, 1)], "order-5")
    shop_session.rollback()
    assert sorted(info.value.sku_ids) == [b.id, c.id]
    body = info.value.to_problem()
    assert body["status"] == 409 and body["code"] == "insufficient_stock"
    assert {(x["sku_id"], x["requested"], x["available"]) for x in body["skus"]} == {
        (b.id, 2, 1), (c.id, 1, 0)}
    assert [_fresh(shop_session, s.id).stock for s in (a, b, c)] == [5, 1, 0]
    assert shop_session.scalars(select(StockReservation)).all() == []

    done = stock.reserve_lines(shop_session, [(a.id, 2), (b.id, 1), (a.id, 1)], "order-6")
    shop_session.commit()
    assert {(r.sku_id, r.qty) for r in done.lines} == {(a.id, 3), (b.id, 1)}
    assert [_fresh(shop_session, s.id).stock for s in (a, b)] == [2, 0]


def test_adjust_never_goes_below_zero_and_is_idempotent_with_a_key(shop_session, factory,
                                                                   shop):
    sku = _sku(factory, shop, qty=4)
    with pytest.raises(InsufficientStock):
        stock.adjust(shop_session, sku.id, -5, reference="breakage")
    shop_session.rollback()
    assert _fresh(shop_session, sku.id).stock == 4
    stock.adjust(shop_session, sku.id, -4, reference="breakage")
    first = stock.adjust(shop_session, sku.id, 6, stock.Reason.RESTOCK, key="po-77")
    second = stock.adjust(shop_session, sku.id, 6, stock.Reason.RESTOCK, key="po-77")
    shop_session.commit()
    assert first.id == second.id
    assert _fresh(shop_session, sku.id).stock == 6
    assert [e[:3] for e in _ledger(shop_session, sku.id)] == [
        ("initial", 4, 4), ("adjust", -4, 0), ("restock", 6, 6)]
    with pytest.raises(ValidationFailed):
        stock.adjust(shop_session, sku.id, 0)


def test_ledger_rows_cannot_be_rewritten(shop_session, factory, shop):
    sku = _sku(factory, shop, qty=4)
    with pytest.raises(Exception, match="append-only"):
        shop_session.execute(text("UPDATE catalog_stock_ledger SET delta = 100"))
    shop_session.rollback()
    assert stock.reconcile(shop_session) == []
    # the reconciliation notices a stock that drifted from its ledger
    shop_session.execute(text("UPDATE catalog_skus SET stock = 99 WHERE id = :id"),
                         {"id": sku.id})
    mismatches = stock.reconcile(shop_session)
    assert [(m.sku_id, m.stock, m.ledger_sum) for m in mismatches] == [(sku.id, 99, 4)]


def test_low_stock_skus_are_listed(shop_session, factory, shop):
    low = _sku(factory, shop, qty=3, skus=[{"price_fen": 1, "stock": 3,
                                            "low_stock_threshold": 5}])
    _sku(factory, shop, qty=30, skus=[{"price_fen": 1, "stock": 30, "low_stock_threshold": 5}])
    _sku(factory, shop, qty=0)
    assert [s.id for s in stock.low_stock_skus(shop_session)] == [low.id]


def test_low_stock_products_and_stock_levels_by_query_in_their_own_shop(shop_session, factory,
                                                                    shop):
    two_low = factory.product(shop, skus=[
        {"price_fen": 1, "stock": 1, "low_stock_threshold": 5, "spec_values": ["红"]},
        {"price_fen": 1, "stock": 2, "low_stock_threshold": 5, "spec_values": ["蓝"]}],
        specs=[{"name": "颜色", "values": ["红", "蓝"]}])
    fine = factory.product(shop, skus=[{"price_fen": 1, "stock": 30, "low_stock_threshold": 5}])
    other_shop = factory.shop(slug="beta-low")
    other = factory.product(other_shop, skus=[{"price_fen": 1, "stock": 0,
                                                "low_stock_threshold": 5}])
    assert stock.low_stock_product_count(shop_session) == 1
    levels = stock.stock_levels(shop_session, [two_low.id, fine.id, other.id])
    assert levels == {two_low.id: stock.StockLevel(3, True), fine.id: stock.StockLevel(30, False),
                      other.id: stock.StockLevel(0, False)}  # another shop's: not seen
    assert stock.stock_levels(shop_session, []) == {}


# --- concurrency ----------------------------------------------------------------------------


def _reserve_concurrently(app, shop, sku_id, threads=50) -> tuple[int, int, list[str]]:
    factory = app.extensions["mallkit"].session_factory
    barrier = threading.Barrier(threads)
    ok, short, errors = [], [], []

    def worker(n: int) -> None:
        with app.app_context(), factory() as s:
            use_shop(s, shop.id)
            barrier.wait()
            try:
                stock.reserve(s, sku_id, 1, f"order-{n}")
                s.commit()
                ok.append(n)
            except InsufficientStock:
                s.rollback()
                short.append(n)
            except Exception as exc:  # surfaced in the assertion below
                s.rollback()
                errors.append(repr(exc))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    return len(ok), len(short), errors


def _assert_exactly_ten_sold(app, shop, sku_id, result):
    ok, short, errors = result
    assert errors == []
    assert (ok, short) == (10, 40)
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert s.get(Sku, sku_id).stock == 0
        last = s.scalars(select(StockLedgerEntry).where(StockLedgerEntry.sku_id == sku_id)
                         .order_by(StockLedgerEntry.id.desc())).first()
        assert last.balance == 0
        balances = [e.balance for e in reversed(stock.ledger(s, sku_id))]
        assert balances == list(range(10, -1, -1))
        assert len(s.scalars(select(StockReservation)).all()) == 10
        assert stock.reconcile(s) == []


@pytest.mark.postgres
def test_fifty_threads_reserve_exactly_ten_on_postgres(app, factory, shop):
    sku = _sku(factory, shop, qty=10)
    _assert_exactly_ten_sold(app, shop, sku.id, _reserve_concurrently(app, shop, sku.id))


def test_fifty_threads_reserve_exactly_ten_on_sqlite(app, factory, shop):
    if app.extensions["mallkit"].engine.dialect.name != "sqlite":
        pytest.skip("the SQLite variant")
    sku = _sku(factory, shop, qty=10)
    _assert_exactly_ten_sold(app, shop, sku.id, _reserve_concurrently(app, shop, sku.id))


# --- the lock comes first -------------------------------------------------------------------


@contextmanager
def _watch_sql(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _first(statements: list[str], predicate) -> int:
    return next(i for i, s in enumerate(statements) if predicate(s))


@pytest.mark.postgres
@pytest.mark.parametrize("verb", ["reserve", "release", "adjust", "set_level"])
def test_sku_rows_are_locked_before_they_are_written(app, shop_session, factory, shop, verb):
    sku = _sku(factory, shop, qty=10)
    if verb == "release":
        stock.reserve(shop_session, sku.id, 1, "order-lock")
        shop_session.commit()
    with _watch_sql(app.extensions["mallkit"].engine) as statements:
        {"reserve": lambda: stock.reserve(shop_session, sku.id, 2, "order-x"),
         "release": lambda: stock.release(shop_session, "order-lock"),
         "adjust": lambda: stock.adjust(shop_session, sku.id, -1),
         "set_level": lambda: stock.set_level(shop_session, sku.id, 3)}[verb]()
        shop_session.commit()
    lock = _first(statements, lambda s: s.startswith("SELECT") and "FROM catalog_skus" in s
                  and s.endswith("FOR UPDATE"))
    write = _first(statements, lambda s: s.startswith("UPDATE catalog_skus"))
    assert lock < write
    assert "ORDER BY catalog_skus.id" in statements[lock]


@pytest.mark.postgres
def test_product_save_locks_skus_then_the_product(app, shop_session, factory, shop):
    product = factory.product(shop, stock=3)
    with _watch_sql(app.extensions["mallkit"].engine) as statements:
        products.update_product(shop_session, product.id, {"title": "新标题",
                                                           "skus": [{"stock": 9}]})
        shop_session.commit()
    sku_lock = _first(statements, lambda s: "FROM catalog_skus" in s and "FOR UPDATE" in s)
    product_lock = _first(statements, lambda s: "FROM catalog_products" in s
                          and "FOR UPDATE" in s)
    write = _first(statements, lambda s: s.startswith(("UPDATE catalog_skus",
                                                       "UPDATE catalog_products")))
    assert sku_lock < product_lock < write


def test_one_update_for_every_sku_still_never_takes_stock_below_zero(shop_session, factory,
                                                                     shop):
    """reserve_new writes all SKUs with one conditional UPDATE: a SKU whose stock fell since
    the caller read it is refused by the database (no negative stock, nothing taken)."""
    a, b = _sku(factory, shop, qty=5), _sku(factory, shop, qty=5)
    locked = {sku.id: sku for sku in shop_session.scalars(
        select(Sku).where(Sku.id.in_([a.id, b.id])))}
    shop_session.execute(text("UPDATE catalog_skus SET stock = 1 WHERE id = :id"), {"id": b.id})
    with pytest.raises(InsufficientStock) as info:
        stock.reserve_new(shop_session, locked, [(a.id, 2), (b.id, 3)], "order-stale")
    assert info.value.sku_ids == [b.id]
    shop_session.rollback()
    assert [_fresh(shop_session, s.id).stock for s in (a, b)] == [5, 5]

    done = stock.reserve_new(shop_session, {s.id: _fresh(shop_session, s.id) for s in (a, b)},
                             [(b.id, 3), (a.id, 2)], "order-fresh")
    shop_session.commit()
    assert [(r.sku_id, r.qty, r.status) for r in done.lines] == [(a.id, 2, "held"),
                                                                 (b.id, 3, "held")]
    assert [_ledger(shop_session, s.id)[-1] for s in (a, b)] == [
        ("reserve", -2, 3, "order-fresh"), ("reserve", -3, 2, "order-fresh")]
