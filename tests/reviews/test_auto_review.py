"""The automatic good review: a timer job per completed order, due ``auto_review_days``
after completion, run by a real ``mallkit worker``; the sweeper writes the ones whose job
was lost; a line the member reviewed meanwhile keeps the member's review."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from runtime import jobs
from runtime.modules.reviews import service
from runtime.modules.reviews.jobs import (
    auto_review_job_id,
    auto_review_order,
    sweep_auto_reviews,
)
from runtime.modules.reviews.models import Review
from tests.orders.flow import shopper
from tests.reviews.flow import completed_order, products, read, review_body, run


def reviews_of(app, factory, shop):
    return read(app, factory, shop, lambda s: list(s.scalars(select(Review).order_by(
        Review.line_id))))


def test_the_timer_writes_the_good_review_on_a_real_worker(app, client, factory, shop, clock,
                                                          redis_conn, worker_env):
    factory.module_on(shop, "reviews", {"auto_review_text": "好评！系统默认"})
    a, b = products(factory, shop, 1000, 3000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a, b])
    alice.call("POST", "/reviews", review_body(order, 1, stars=2), 201)

    jid = auto_review_job_id(shop.id, order["id"])
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.DEFAULT, redis_conn))
    due = clock.now() + timedelta(days=7)
    assert registry.get_scheduled_time(jid) == due.replace(microsecond=0)
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(seconds=1))
    assert jobs.release_due_jobs(redis_conn) == [jid]

    # The worker is a separate process on the real clock, which is past this test's
    # frozen instant; what the test clock decides is when the timer is released.
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert Job.fetch(jid, connection=redis_conn).get_status() == "finished"
    first, second = reviews_of(app, factory, shop)
    assert (first.stars, first.content, first.automatic) == (5, "好评！系统默认", True)
    assert (second.stars, second.automatic) == (2, False)  # the member's own, kept
    rating = read(app, factory, shop, lambda s: service.ratings(s, [a.product_id, b.product_id]))
    assert rating[a.product_id].count == 1 and rating[a.product_id].average == 5.0
    assert rating[b.product_id].average == 2.0
    assert alice.call("GET", "/reviews").json["to_review"] == []
    with app.app_context():  # running the timer again changes nothing
        assert auto_review_order(shop.id, order["id"]) == 0
    assert len(reviews_of(app, factory, shop)) == 2


def test_the_timer_before_the_due_time_does_nothing(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    order = completed_order(app, factory, shop, shopper(app, client, factory, shop), [a])
    clock.advance(timedelta(days=6))
    with app.app_context():
        assert auto_review_order(shop.id, order["id"]) == 0
    assert reviews_of(app, factory, shop) == []


def test_the_sweeper_writes_what_lost_timers_missed(app, client, factory, shop, clock,
                                                   redis_conn):
    factory.module_on(shop, "reviews", {"auto_review_days": 3})
    beta = factory.shop(slug="beta")
    factory.module_on(beta, "reviews")
    a, = products(factory, shop, 1000)
    b, = products(factory, beta, 1000)
    for s, sku in ((shop, a), (beta, b)):
        buyer = shopper(app, app.test_client(), factory, s)
        completed_order(app, factory, s, buyer, [sku])
    redis_conn.flushdb()  # Redis lost the timers
    clock.advance(timedelta(days=3))
    with app.app_context():
        assert sweep_auto_reviews() == 1  # shop's 3 days are over, beta's 7 are not
        assert sweep_auto_reviews() == 0
    clock.advance(timedelta(days=4))
    with app.app_context():
        assert sweep_auto_reviews() == 1
    [review] = reviews_of(app, factory, beta)
    assert review.automatic and review.stars == 5 and review.content == "系统默认好评"
    assert read(app, factory, beta, service.recount, b.product_id) == read(
        app, factory, beta, lambda s: service.ratings(s, [b.product_id])[b.product_id])


def test_off_module_or_setting_writes_nothing(app, client, factory, shop, clock, redis_conn):
    factory.module_on(shop, "reviews", {"auto_review_enabled": False})
    a, = products(factory, shop, 1000)
    completed_order(app, factory, shop, shopper(app, client, factory, shop), [a])
    clock.advance(timedelta(days=30))
    with app.app_context():
        assert sweep_auto_reviews() == 0
    assert reviews_of(app, factory, shop) == []


def test_sweep_in_batches_counts_every_review_once(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    skus = products(factory, shop, 1000, 1100, 1200)
    for _ in range(3):
        buyer = shopper(app, app.test_client(), factory, shop)
        completed_order(app, factory, shop, buyer, skus)
    clock.advance(timedelta(days=8))
    written = [run(app, factory, shop, service.write_automatic_reviews, None, batch=4)
               for _ in range(4)]
    assert written == [4, 4, 1, 0]
    for sku in skus:
        counted = read(app, factory, shop, lambda s, p=sku.product_id: service.ratings(s, [p])[p])
        assert counted.count == 3 and counted == read(app, factory, shop, service.recount,
                                                      sku.product_id)


def test_a_refunded_line_gets_no_automatic_good_review(app, client, factory, shop, clock,
                                                       redis_conn):
    from runtime.modules.aftersales.service import merchant_refund
    from tests.aftersales.flow import MERCHANT, balance_paid, drain, in_shop, ship_order

    factory.module_on(shop, "reviews")
    a, b = products(factory, shop, 1000, 3000)
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = balance_paid(app, factory, shop, alice, [(a.id, 1), (b.id, 1)])
    ship_order(app, factory, shop, order["id"])
    assert alice.call("POST", f"/orders/{order['id']}/confirm-receipt").json["status"] == \
        "completed"
    refunded = order["lines"][0]["id"]
    in_shop(app, factory, shop, merchant_refund, order["id"], [{"line_id": refunded}],
            "质量问题，已退款", MERCHANT)
    drain(app, redis_conn)
    clock.advance(timedelta(days=8))
    with app.app_context():
        assert sweep_auto_reviews() == 1
    [auto] = reviews_of(app, factory, shop)
    assert auto.line_id == order["lines"][1]["id"] and auto.automatic
    assert [x["line_id"] for x in alice.call("GET", "/reviews").json["to_review"]] == [refunded]


def test_a_reviewed_line_whose_slot_is_still_open_is_claimed_not_reviewed_twice(
        app, client, factory, shop, clock):
    """The sweep's fallback: a slot left open beside its line's review (the instant between a
    member's insert and claim) takes that review; only the other line gets the automatic one."""
    from sqlalchemy import update

    from runtime.modules.reviews.models import ReviewSlot

    factory.module_on(shop, "reviews")
    a, b = products(factory, shop, 1000, 3000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a, b])
    mine = alice.call("POST", "/reviews", review_body(order, 0, stars=2), 201).json
    run(app, factory, shop, lambda s: s.execute(update(ReviewSlot).where(
        ReviewSlot.order_id == order["id"]).values(review_id=None)))
    clock.advance(timedelta(days=8))

    assert run(app, factory, shop, service.write_automatic_reviews, None) == 1
    slots = read(app, factory, shop, lambda s: list(s.execute(select(
        ReviewSlot.line_id, ReviewSlot.review_id).where(ReviewSlot.order_id == order["id"])
        .order_by(ReviewSlot.line_id))))
    own, automatic = reviews_of(app, factory, shop)
    assert (own.id, own.stars, own.automatic) == (mine["id"], 2, False)
    assert automatic.automatic and [review for _, review in slots] == [own.id, automatic.id]
    rating = read(app, factory, shop, lambda s: service.ratings(s, [a.product_id, b.product_id]))
    assert (rating[a.product_id].count, rating[a.product_id].average) == (1, 2.0)
    assert (rating[b.product_id].count, rating[b.product_id].average) == (1, 5.0)
    assert run(app, factory, shop, service.write_automatic_reviews, None) == 0
