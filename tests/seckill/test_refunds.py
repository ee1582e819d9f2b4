"""Refunds of part of a seckill order's units (after-sales): each refund gives its units back
to the activity stock and the gate once (``line_refunded``, keyed by the refund), they stop
counting against the buyer's limit, and the refund of the rest releases only what is left."""

from __future__ import annotations

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.aftersales import service as aftersales
from runtime.modules.seckill import ordering
from runtime.modules.seckill.models import SeckillOrder, SeckillRelease
from runtime.modules.wallet.service import adjust
from tests.aftersales.flow import MERCHANT, buyer, in_shop
from tests.seckill.helpers import at, example, place, run_order_job, state_of


def paid_order(app, client, factory, shop, ids, qty):
    alice = buyer(app, client, factory, shop)
    in_shop(app, factory, shop, adjust, alice.member.id, principal_delta_fen=100000,
            key=f"topup-{alice.member.id}")
    ticket = place(alice, ids, qty=qty).json["ticket"]
    assert run_order_job(app, shop, ticket) == "created"
    order_id = alice.call("GET", f"/seckill/tickets/{ticket}").json["order_id"]
    assert alice.pay(order_id, "wallet")["paid"] is True
    return alice, alice.order(order_id)


def refund(app, factory, shop, person, order, qty):
    line = order["lines"][0]
    created = person.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": line["id"], "kind": "refund", "qty": qty,
        "amount_fen": 5900 * qty, "reason": "少买几件"}, 201).json
    in_shop(app, factory, shop, aftersales.agree, created["id"], MERCHANT)
    assert person.call("GET", f"/aftersales/{created['id']}").json["status"] == "complete"
    return created["id"], line["id"]


def releases(app, shop):
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        claim = s.scalar(select(SeckillOrder))
        rows = s.execute(select(SeckillRelease.key, SeckillRelease.qty)
                         .order_by(SeckillRelease.id)).all()
        return claim.released_qty, claim.stock_released, [tuple(r) for r in rows]


def test_a_partial_refund_gives_its_units_back_once(app, client, factory, shop, clock):
    ids = example(app, factory, shop, stock=10, per_order=3, per_user=3)
    at(clock, 2026, 12, 5, 10, 0, 0)
    alice, order = paid_order(app, client, factory, shop, ids, 3)
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) | {"catalog": 0} == {
        "db": 7, "gate": 7, "held": 3, "orders": 1, "catalog": 0}

    first, line_id = refund(app, factory, shop, alice, order, 1)
    assert alice.order(order["id"])["refund_status"] == "PART"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) | {"catalog": 0} == {
        "db": 8, "gate": 8, "held": 2, "orders": 1, "catalog": 0}
    assert releases(app, shop) == (1, False, [(f"refund-{first}-{line_id}", 1)])

    again = in_shop(app, factory, shop, ordering.release, order["id"], "refund",
                    key=f"refund-{first}-{line_id}", units=1)
    assert again == 0  # the same refund replayed gives nothing back
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["db"] == 8

    second, _ = refund(app, factory, shop, alice, order, 2)
    assert alice.order(order["id"])["refund_status"] == "ALL"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) | {"catalog": 0} == {
        "db": 10, "gate": 10, "held": 0, "orders": 1, "catalog": 0}
    assert releases(app, shop) == (3, True, [(f"refund-{first}-{line_id}", 1),
                                             (f"refund-{second}-{line_id}", 2)])
    assert in_shop(app, factory, shop, ordering.release, order["id"], "closed") == 0


def test_refunded_units_stop_counting_against_the_buyers_limit(app, client, factory, shop,
                                                              clock, redis_conn):
    ids = example(app, factory, shop, stock=10, per_order=2, per_user=2)
    at(clock, 2026, 12, 5, 10, 0, 0)
    alice, order = paid_order(app, client, factory, shop, ids, 2)
    assert place(alice, ids, expect=409).json["code"] == "seckill_user_limit"
    refund(app, factory, shop, alice, order, 1)
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"])["held"] == 1
    redis_conn.delete(f"mallkit:{{{shop.id}}}:seckill:{ids['activity_id']}:{ids['sku_id']}"
                      ":stock")  # rebuilt from the database: the refunded unit is not held
    at(clock, 2026, 12, 5, 10, 0, 30)
    ticket = place(alice, ids).json["ticket"]
    assert run_order_job(app, shop, ticket) == "created"
    assert state_of(app, shop, ids["activity_id"], ids["sku_id"]) | {"catalog": 0} == {
        "db": 8, "gate": 8, "held": 2, "orders": 2, "catalog": 0}
