"""The refusals and rules test_groups does not show, each with its own problem type: not
started; the window is for opening groups only (an open group can still be joined after it);
an expired group; one's own open group; the per-user limit over orders, where a failed group
no longer counts; buying alone where only groups sell. A member (not the leader) leaves for a
full refund; a published group-buy block vanishes with the module and comes back with it."""

from __future__ import annotations

from datetime import timedelta

from runtime.clock import utcnow
from runtime.modules.groupbuy.groups import refund_no
from runtime.modules.groupbuy.jobs import sweep
from tests.aftersales.flow import drain, wechat_refund
from tests.groupbuy.flow import (
    activity_stock,
    group,
    group_of,
    order_for,
    paid,
    people,
    quote_raw,
    ref,
    row_of,
    setup,
)
from tests.groupbuy.test_groups import problem
from tests.page_helpers import block, page_config


def ask(person, activity, sku, group_id=None, qty=1):
    """The quote's response for ``qty`` of ``sku`` in ``activity`` (joining ``group_id``)."""
    return quote_raw(person, source="items", items=[{"sku_id": sku.id, "qty": qty}],
                     activity=ref(activity, group_id))


def test_the_window_opens_groups_and_an_open_group_outlives_it(app, client, factory, shop,
                                                               clock):
    activity, sku = setup(app, factory, shop,
                          ends_at=(utcnow() + timedelta(hours=2)).isoformat())
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    clock.advance(timedelta(hours=-2))
    problem(ask(alice, activity, sku), 409, "groupbuy_not_started")
    clock.advance(timedelta(hours=2))
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    clock.advance(timedelta(hours=3))  # the window is over; alice's group has 21 hours left
    problem(ask(bob, activity, sku), 409, "groupbuy_ended")
    joined = paid(app, bob, activity, sku, gid)
    assert joined["groupbuy"]["status"] == "grouping" and group(factory, shop, gid).joined == 2
    clock.advance(timedelta(hours=21))  # expired, before any job or sweeper ran
    expired = ask(carol, activity, sku, gid)
    problem(expired, 409, "groupbuy_group_expired")
    assert expired.json["group_id"] == gid
    with app.app_context():
        assert sweep()["failed"] == 1
    problem(ask(carol, activity, sku, gid), 409, "groupbuy_group_expired")


def test_ones_own_open_group_comes_first(app, client, factory, shop):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    mine = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    theirs = group_of(factory, shop, paid(app, bob, activity, sku)["id"]).id
    problem(ask(alice, activity, sku), 409, "groupbuy_in_progress")  # another group
    problem(ask(alice, activity, sku, theirs), 409, "groupbuy_in_progress")
    problem(ask(alice, activity, sku, mine), 409, "groupbuy_already_joined")
    assert activity_stock(factory, shop, activity, sku) == 3


def test_the_per_user_limit_counts_orders_but_not_failed_groups(app, client, factory, shop,
                                                                clock):
    activity, sku = setup(app, factory, shop, group_size=2, per_user_limit=1)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    paid(app, bob, activity, sku, gid)
    assert group(factory, shop, gid).status == "success"
    refused = ask(alice, activity, sku)
    problem(refused, 422, "groupbuy_limit_exceeded")
    assert refused.json["errors"][0]["pointer"] == "/items/0/qty"

    again, other = setup(app, factory, shop, group_size=2, per_user_limit=1)
    failed = paid(app, alice, again, other)
    clock.advance(timedelta(hours=24))
    with app.app_context():
        assert sweep()["failed"] == 1
    assert row_of(factory, shop, failed["id"]).status == "failed"
    assert ask(alice, again, other).status_code == 200  # a failed group holds no units


def test_buying_alone_is_refused_where_only_groups_sell(app, client, factory, shop):
    activity, sku = setup(app, factory, shop, allow_single_buy=False)
    [alice] = people(app, client, factory, shop, "alice")
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}])
    refused = alice.submit(quote["quote_id"], expect=None)
    problem(refused, 409, "groupbuy_single_buy_not_allowed")
    assert refused.json["activity_id"] == activity.id
    assert order_for(alice, activity, sku)["payable_fen"] == 4900  # in a group it sells


def test_a_member_leaves_for_a_full_refund(app, client, factory, shop, clock, redis_conn):
    activity, sku = setup(app, factory, shop)
    alice, bob = people(app, client, factory, shop, "alice", "bob")
    gid = group_of(factory, shop, paid(app, alice, activity, sku)["id"]).id
    friend = paid(app, bob, activity, sku, gid)
    answer = bob.call("POST", f"/groupbuy/groups/{gid}/leave").json
    assert answer["mine"]["status"] == "left" and answer["seats_left"] == 2
    assert group(factory, shop, gid).leader_member_id == alice.member.id
    assert activity_stock(factory, shop, activity, sku) == 4
    clock.advance(timedelta(minutes=1))
    drain(app, redis_conn)
    assert wechat_refund(app, refund_no(friend["id"]))["amount"]["refund"] == 5900
    assert paid(app, bob, activity, sku, gid)["groupbuy"]["status"] == "grouping"


def test_a_published_block_goes_with_the_module_and_comes_back(app, client, factory, shop):
    from runtime.modules import switches
    from tests.groupbuy.flow import in_shop

    setup(app, factory, shop)
    factory.publish_page(shop, page_config(block("deals", "groupbuy"),
                                           block("mine", "group-progress"),
                                           block("words", "title", title="拼团专区")))
    layout = f"/api/v1/shops/{shop.slug}/layouts/home"
    assert [n["type"] for n in client.get(layout).json["nodes"]] == [
        "groupbuy", "group-progress", "title"]
    in_shop(app, factory, shop, switches.disable, "groupbuy")
    assert [n["type"] for n in client.get(layout).json["nodes"]] == ["title"]
    home = client.get(f"/s/{shop.slug}/")
    assert home.status_code == 200 and "拼团专区" in home.get_data(as_text=True)
    assert "mk-groupbuy" not in home.get_data(as_text=True)
    factory.module_on(shop, "groupbuy")
    assert [n["type"] for n in client.get(layout).json["nodes"]] == [
        "groupbuy", "group-progress", "title"]
