"""Group rules through the real checkout and the WeChat Pay simulator: no group before
payment, the last seat makes a success, a full group is refused, two payments racing for the
last seat fill it once, a replayed notification adds no member, the holds while grouping,
leaving (leader hand-over), on_target_full, limits and stock, and the sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from runtime import jobs
from runtime.modules.fulfilment.shipping import ship
from runtime.modules.groupbuy.groups import expiry_job_id, refund_no
from runtime.modules.groupbuy.jobs import expire_job, sweep
from runtime.modules.groupbuy.models import GroupbuyGroup
from tests.aftersales.flow import MERCHANT, drain, notify_refund, wechat_refund
from tests.concurrency import run_in_threads
from tests.groupbuy.flow import (
    activity_stock,
    group,
    group_of,
    in_shop,
    notify_paid,
    order_for,
    paid,
    people,
    quote_raw,
    read,
    row_of,
    setup,
)


def problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.json["type"].endswith("/" + code)


def test_no_group_before_payment_and_the_last_seat_succeeds(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    unpaid = order_for(alice, activity, sku)
    assert unpaid["payable_fen"] == 4900  # the leader price
    assert read(factory, shop, lambda s: s.scalar(select(func.count(GroupbuyGroup.id)))) == 0
    alice.pay(unpaid["id"])
    assert notify_paid(app, unpaid).accepted
    gid = group_of(factory, shop, unpaid["id"]).id
    second = paid(app, bob, activity, sku, gid)
    assert second["paid_fen"] == 5900
    assert second["groupbuy"]["status"] == "grouping"
    third = paid(app, carol, activity, sku, gid)
    assert group(factory, shop, gid).status == "success"
    assert [row_of(factory, shop, o["id"]).status for o in (unpaid, second, third)] == [
        "success"] * 3
    assert third["groupbuy"]["status_text"] == "拼团成功"
    assert activity_stock(factory, shop, activity, sku) == 2


def test_a_full_group_is_refused(app, client, factory, shop):
    activity, sku = setup(app, factory, shop, group_size=2)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    paid(app, bob, activity, sku, gid)
    response = quote_raw(carol, source="items", items=[{"sku_id": sku.id, "qty": 1}],
                           activity={"kind": "groupbuy", "id": activity.id, "group_id": gid})
    problem(response, 409, "groupbuy_group_full")
    response = quote_raw(bob, source="items", items=[{"sku_id": sku.id, "qty": 1}],
                         activity={"kind": "groupbuy", "id": activity.id, "group_id": gid})
    problem(response, 409, "groupbuy_already_joined")


@pytest.mark.parametrize("target", ["open_new", "refund"])
def test_two_payments_racing_for_the_last_seat_fill_it_once(app, client, factory, shop,
                                                            clock, redis_conn, target):
    activity, sku = setup(app, factory, shop, group_size=2, on_target_full=target)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    orders = [order_for(p, activity, sku, gid) for p in (bob, carol)]
    for person, order in zip((bob, carol), orders, strict=True):
        person.pay(order["id"])

    def pay(_session, i):
        return notify_paid(app, orders[i]).accepted

    assert run_in_threads(app, shop.id, pay, 2) == [True, True]
    assert group(factory, shop, gid).joined == 2
    rows = [row_of(factory, shop, o["id"]) for o in orders]
    seated = [r for r in rows if r.group_id == gid]
    other = next(r for r in rows if r.group_id != gid)
    assert len(seated) == 1 and seated[0].status == "success"
    if target == "open_new":
        assert other.status == "grouping" and other.is_leader
        assert group(factory, shop, other.group_id).joined == 1
    else:
        assert other.status == "refunded" and other.group_id is None
        clock.advance(timedelta(minutes=1))
        drain(app, redis_conn)
        assert wechat_refund(app, refund_no(other.order_id))["amount"]["refund"] == 5900
    assert activity_stock(factory, shop, activity, sku) == (2 if target == "open_new" else 3)


def test_join_other_takes_a_seat_in_another_open_group(app, client, factory, shop):
    activity, sku = setup(app, factory, shop, group_size=2, on_target_full="join_other")
    alice, bob, carol, dan = people(app, client, factory, shop, "alice", "bob", "carol",
                                    "dan")
    first = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    second = group_of(factory, shop, paid(app, dan, activity, sku)["id"]).id
    late = order_for(carol, activity, sku, first)
    paid(app, bob, activity, sku, first)
    carol.pay(late["id"])
    assert notify_paid(app, late).accepted
    assert row_of(factory, shop, late["id"]).group_id == second
    assert group(factory, shop, second).status == "success"


def test_a_replayed_notification_adds_no_member(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    order = order_for(bob, activity, sku, gid)
    bob.pay(order["id"])
    for _ in range(3):
        assert notify_paid(app, order).accepted
    assert group(factory, shop, gid).joined == 2
    assert activity_stock(factory, shop, activity, sku) == 3


def test_shipping_and_after_sales_wait_while_grouping(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    order = paid(app, alice, activity, sku)
    with pytest.raises(Exception) as held:
        in_shop(app, factory, shop, ship, order["id"], carrier_code="SF",
                tracking_no="SF1234567", actor=MERCHANT)
    assert getattr(held.value, "code", "") == "fulfilment_held"
    response = alice.call("POST", "/aftersales", {
        "order_id": order["id"], "line_id": order["lines"][0]["id"], "kind": "refund",
        "amount_fen": 100, "reason": "不想要了"}, None)
    problem(response, 409, "groupbuy_in_progress")
    gid = group_of(factory, shop, order["id"]).id
    paid(app, bob, activity, sku, gid)
    paid(app, carol, activity, sku, gid)
    in_shop(app, factory, shop, ship, order["id"], carrier_code="SF", tracking_no="SF1234567",
            actor=MERCHANT)


def test_a_leaving_leader_hands_over_and_is_refunded(app, client, factory, shop, clock,
                                                     redis_conn):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    lead = paid(app, alice, activity, sku)
    gid = group_of(factory, shop, lead["id"]).id
    expire_at = group(factory, shop, gid).expire_at
    clock.advance(timedelta(minutes=5))
    paid(app, bob, activity, sku, gid)
    answer = alice.call("POST", f"/groupbuy/groups/{gid}/leave").json
    assert answer["mine"]["status"] == "left"
    assert answer["seats_left"] == 2
    after = group(factory, shop, gid)
    assert after.leader_member_id == bob.member.id and after.expire_at == expire_at
    assert activity_stock(factory, shop, activity, sku) == 4
    problem(alice.call("POST", f"/groupbuy/groups/{gid}/leave", expect=None), 409,
            "groupbuy_cannot_leave")
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)
    assert wechat_refund(app, refund_no(lead["id"]))["amount"]["refund"] == 4900
    assert notify_refund(app, refund_no(lead["id"])).status == 204
    assert alice.order(lead["id"])["status"] == "closed"


def test_limits_stock_and_window(app, client, factory, shop, clock):
    activity, sku = setup(app, factory, shop, per_order_limit=2, per_user_limit=2)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    body = {"source": "items", "items": [{"sku_id": sku.id, "qty": 3}],
            "activity": {"kind": "groupbuy", "id": activity.id}}
    response = quote_raw(alice, **body)
    problem(response, 422, "groupbuy_limit_exceeded")
    assert response.json["errors"][0]["pointer"] == "/items/0/qty"
    unpaid = order_for(alice, activity, sku)
    problem(quote_raw(alice, **{**body, "items": [{"sku_id": sku.id, "qty": 1}]}), 409,
            "groupbuy_in_progress")
    alice.call("POST", f"/orders/{unpaid['id']}/cancel", {})
    assert activity_stock(factory, shop, activity, sku) == 5
    problem(quote_raw(bob, **{**body, "items": [{"sku_id": sku.id, "qty": 6}]}), 422,
            "groupbuy_limit_exceeded")
    clock.advance(timedelta(days=8))
    problem(quote_raw(bob, **{**body, "items": [{"sku_id": sku.id, "qty": 1}]}), 409,
            "groupbuy_ended")


def test_sold_out(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    people_ = people(app, client, factory, shop, *[f"p{i}" for i in range(6)])
    for person in people_[:5]:
        order_for(person, activity, sku)
    problem(quote_raw(people_[5], source="items", items=[{"sku_id": sku.id, "qty": 1}],
                             activity={"kind": "groupbuy", "id": activity.id}), 409,
            "groupbuy_sold_out")


def test_an_expiry_missed_while_redis_was_down_is_applied_once(app, client, factory, shop,
                                                               clock, redis_conn):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    lead = paid(app, alice, activity, sku)
    gid = group_of(factory, shop, lead["id"]).id
    friend = paid(app, bob, activity, sku, gid)
    jid = expiry_job_id(shop.id, gid)
    assert jobs.job_is_live(redis_conn, jid)
    for key in redis_conn.scan_iter("rq:*"):  # Redis lost every job
        redis_conn.delete(key)
    clock.advance(timedelta(hours=23, minutes=59))
    with app.app_context():
        assert sweep()["failed"] == 0
    clock.advance(timedelta(minutes=1))
    with app.app_context():
        assert sweep()["failed"] == 1
        assert sweep()["failed"] == 0
        assert expire_job(shop.id, gid) == "nothing to do"
    assert group(factory, shop, gid).status == "failed"
    assert activity_stock(factory, shop, activity, sku) == 5
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)  # the refund sends were queued by the sweeper's transactions
    assert [wechat_refund(app, refund_no(o["id"]))["amount"]["refund"]
            for o in (lead, friend)] == [4900, 5900]
