"""Races on one line, each side on its own session and thread: ten reviews of the same
line give one review and nine ``already_reviewed``; a review racing the automatic sweep
leaves exactly one review, counted once; ten hides of one review take it out once."""

from __future__ import annotations

from datetime import timedelta

from runtime.modules.reviews import service
from runtime.modules.reviews.models import Review
from tests.concurrency import run_in_threads
from tests.orders.flow import shopper
from tests.reviews.flow import completed_order, products, read, review_body

THREADS = 10


def rating_and_recount(app, factory, shop, product_id):
    return read(app, factory, shop, lambda s: (service.ratings(s, [product_id])[product_id],
                                               service.recount(s, product_id)))


def test_ten_reviews_of_one_line_make_one(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a])
    body = review_body(order)
    outcomes = run_in_threads(app, shop.id, lambda s, i: service.write_review(
        s, alice.member.id, {**body, "stars": 1 + i % 5}), THREADS)
    written = [o for o in outcomes if isinstance(o, Review)]
    refused = [o for o in outcomes if isinstance(o, service.AlreadyReviewed)]
    assert (len(written), len(refused)) == (1, THREADS - 1), outcomes
    counted, recounted = rating_and_recount(app, factory, shop, a.product_id)
    assert counted == recounted and counted.count == 1


def test_a_review_racing_the_sweep_leaves_one(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a])
    clock.advance(timedelta(days=7))
    body = review_body(order, stars=3)

    def work(session, i):
        if i % 2:
            return service.write_review(session, alice.member.id, body)
        return service.write_automatic_reviews(session)

    outcomes = run_in_threads(app, shop.id, work, 6)
    assert not [o for o in outcomes if isinstance(o, Exception)
                and not isinstance(o, service.AlreadyReviewed)], outcomes
    reviews = read(app, factory, shop, lambda s: s.query(Review).all())
    assert len(reviews) == 1
    counted, recounted = rating_and_recount(app, factory, shop, a.product_id)
    assert counted == recounted and counted.count == 1


def test_ten_hides_take_a_review_out_once(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, b = products(factory, shop, 1000, 2000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a, b])
    review = alice.call("POST", "/reviews", review_body(order), 201).json
    alice.call("POST", "/reviews", review_body(order, 1), 201)
    run_in_threads(app, shop.id, lambda s, i: service.set_hidden(s, review["id"], True),
                   THREADS)
    counted, recounted = rating_and_recount(app, factory, shop, a.product_id)
    assert counted == recounted and counted.count == 0
