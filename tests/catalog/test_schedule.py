"""Scheduled on-sale / off-sale: the timer job at the set time, and the sweeper as backstop."""

from __future__ import annotations

from datetime import timedelta

from rq import Queue
from rq.job import Job

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.catalog import jobs as catalog_jobs
from runtime.modules.catalog import products
from runtime.modules.catalog.effects import timer_job_id
from runtime.modules.catalog.models import Product

API = "/api/v1/shops/alpha"


def _status(session, product_id):
    session.expire_all()
    product = session.get(Product, product_id)
    result = product.status, product.on_sale_at, product.off_sale_at
    session.rollback()  # end the read (SQLite's BEGIN IMMEDIATE holds the write lock)
    return result


def _run_released(app, redis_conn, released):
    """Perform the released jobs in this process (the frozen clock applies)."""
    with app.app_context():
        for jid in released:
            Job.fetch(jid, connection=redis_conn).perform()


def _sweep(app):
    with app.app_context():
        return catalog_jobs.sweep_product_schedules()


def test_timer_jobs_put_a_product_on_sale_and_take_it_off(app, shop_session, redis_conn, clock,
                                                          client, shop):
    now = clock.now()
    product = products.create_product(shop_session, {
        "title": "限时上架商品", "status": "draft", "skus": [{"price_fen": 100, "stock": 1}],
        "on_sale_at": (now + timedelta(hours=1)).isoformat(),
        "off_sale_at": (now + timedelta(hours=3)).isoformat()})
    pid = product.id  # the instance expires; reading it later would open a transaction
    on_jid, off_jid = timer_job_id(shop.id, pid, "on"), timer_job_id(shop.id, pid, "off")
    assert jobs.release_due_jobs(redis_conn, now + timedelta(days=1)) == []  # not before commit
    shop_session.commit()
    assert client.get(f"{API}/products/{pid}").status_code == 404

    clock.advance(timedelta(minutes=59))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(minutes=2))
    released = jobs.release_due_jobs(redis_conn)
    assert released == [on_jid]
    _run_released(app, redis_conn, released)
    assert _status(shop_session, pid) == ("on_sale", None, now + timedelta(hours=3))
    assert client.get(f"{API}/products/{pid}").status_code == 200

    clock.advance(timedelta(hours=2))
    released = jobs.release_due_jobs(redis_conn)
    assert released == [off_jid]
    _run_released(app, redis_conn, released)
    assert _status(shop_session, pid) == ("off_shelf", None, None)
    assert client.get(f"{API}/products/{pid}").status_code == 404


def test_rescheduling_replaces_the_timer_and_clearing_cancels_it(shop_session, redis_conn,
                                                                 clock, shop):
    now = clock.now()
    product = products.create_product(shop_session, {
        "title": "改期商品", "status": "off_shelf", "skus": [{"price_fen": 100}],
        "on_sale_at": (now + timedelta(hours=1)).isoformat()})
    shop_session.commit()
    products.update_product(shop_session, product.id,
                            {"on_sale_at": (now + timedelta(hours=5)).isoformat()})
    shop_session.commit()
    clock.advance(timedelta(hours=2))
    assert jobs.release_due_jobs(redis_conn) == []
    products.update_product(shop_session, product.id, {"on_sale_at": None})
    shop_session.commit()
    clock.advance(timedelta(hours=4))
    assert jobs.release_due_jobs(redis_conn) == []
    assert _status(shop_session, product.id) == ("off_shelf", None, None)


def test_the_sweeper_applies_timers_that_were_lost(app, shop_session, redis_conn, clock, shop,
                                                   factory):
    now = clock.now()
    product = products.create_product(shop_session, {
        "title": "丢失定时的商品", "status": "draft", "skus": [{"price_fen": 100}],
        "on_sale_at": (now + timedelta(minutes=30)).isoformat()})
    shop_session.commit()
    leaving = factory.product(shop, "定时下架", off_sale_at=(now + timedelta(minutes=20)))
    other_shop = factory.shop()
    elsewhere = factory.product(other_shop, "别家定时", status="draft",
                                on_sale_at=(now + timedelta(minutes=10)))
    redis_conn.flushdb()  # Redis lost every scheduled job

    clock.advance(timedelta(minutes=31))
    assert jobs.release_due_jobs(redis_conn) == []
    assert _sweep(app) == 3
    assert _status(shop_session, product.id)[0] == "on_sale"
    assert _status(shop_session, leaving.id)[0] == "off_shelf"
    with factory._session() as other:
        use_shop(other, other_shop.id)
        assert _status(other, elsewhere.id)[0] == "on_sale"
    assert _sweep(app) == 0


def test_an_expired_off_sale_time_hides_the_product_before_the_job_runs(client, clock, shop,
                                                                        factory, redis_conn):
    product = factory.product(shop, "即将下架", off_sale_at=clock.now() + timedelta(minutes=5))
    assert client.get(f"{API}/products/{product.id}").status_code == 200
    clock.advance(timedelta(minutes=6))
    assert client.get(f"{API}/products/{product.id}").status_code == 404
    assert client.get(f"{API}/products").json["items"] == []


def test_a_past_on_sale_time_applies_at_once(shop_session, clock):
    product = products.create_product(shop_session, {
        "title": "补录商品", "status": "draft", "skus": [{"price_fen": 100}],
        "on_sale_at": (clock.now() - timedelta(minutes=1)).isoformat()})
    assert (product.status, product.on_sale_at) == ("on_sale", None)


def test_schedule_validation(shop_session, clock):
    import pytest

    from runtime.errors import ValidationFailed

    now = clock.now()
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "x", "skus": [{"price_fen": 1}],
            "on_sale_at": (now + timedelta(hours=2)).isoformat(),
            "off_sale_at": (now + timedelta(hours=1)).isoformat()})
    assert [e.pointer for e in info.value.errors] == ["/off_sale_at"]
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "x", "skus": [{"price_fen": 1}], "on_sale_at": "2026-13-01T00:00:00"})
    assert [e.pointer for e in info.value.errors] == ["/on_sale_at"]
    with pytest.raises(ValidationFailed) as info:
        products.create_product(shop_session, {
            "title": "x", "skus": [{"price_fen": 1}], "on_sale_at": "2026-12-01T00:00:00"})
    assert "offset" in info.value.errors[0].message


def test_periodic_sweepers_are_registered(app):
    names = set(app.extensions["mallkit"].modules.periodic)
    assert {"catalog-sweep-schedules", "catalog-reconcile-stock"} <= names
    assert Queue("default", connection=app.extensions["mallkit"].redis) is not None
