"""Invite rewards through the API on a real app: both sides rewarded once per invitee when
the invitee registers; never for one's own code or a member who was one already; the
inviter's daily limit and total cap; the first-payment trigger with its take-back on a whole
refund; coupons through the coupons module's hook; another shop's codes."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from runtime.modules import switches
from runtime.modules.loader import hooks
from tests.aftersales.flow import in_shop
from tests.coupons.flow import member_coupon, template
from tests.invite.flow import balance, bind, code_of, invitations, member

REWARDS = {"inviter_points": 100, "invitee_points": 50}


def test_a_new_member_bound_once_rewards_both_sides_once(app, factory, shop, clock):
    factory.module_on(shop, "invite", REWARDS)
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    code = code_of(inviter)
    assert code == code_of(inviter) and len(code) == 8

    answer = bind(invitee, code.lower())
    assert (answer["bound"], answer["status"], answer["invitee_points"]) == (True, "rewarded", 50)
    again = bind(invitee, code)
    assert (again["bound"], again["invitee_points"]) == (False, 0)
    assert (balance(factory, shop, inviter), balance(factory, shop, invitee)) == (100, 50)

    me = inviter.call("GET", "/invite/me").json
    assert (me["invited"], me["rewarded"], me["points_earned"]) == (1, 1, 100)
    assert me["link"].endswith(f"/s/{shop.slug}/?invite={code}")
    assert me["share_path"] == f"/pages/index/index?invite={code}"
    assert me["qr"].startswith("data:image/svg+xml")
    assert me["recent"][0]["status"] == "rewarded" and me["recent"][0]["nickname"].endswith("**")


def test_no_reward_for_a_self_invite_or_a_member_who_was_one_already(app, factory, shop, clock):
    factory.module_on(shop, "invite", REWARDS)
    inviter = member(app, factory, shop)
    code = code_of(inviter)
    assert bind(inviter, code, 409)["code"] == "self_invite"

    old = member(app, factory, shop)
    clock.advance(timedelta(hours=25))  # registered more than 24 hours before the invite
    assert bind(old, code, 409)["code"] == "not_new_member"
    buyer = member(app, factory, shop, order_count=1)  # new, but has paid an order
    assert bind(buyer, code, 409)["code"] == "not_new_member"
    assert bind(member(app, factory, shop), "NOSUCH99", 422)["errors"][0]["pointer"] == "/code"
    assert invitations(factory, shop) == []
    assert balance(factory, shop, inviter) == 0


def test_the_inviters_daily_limit_and_total_cap(app, factory, shop, clock):
    factory.module_on(shop, "invite", {**REWARDS, "daily_limit": 2, "total_cap": 3})
    inviter = member(app, factory, shop)
    code = code_of(inviter)
    for _ in range(3):
        bind(member(app, factory, shop), code)
    clock.advance(timedelta(days=1))
    for _ in range(2):
        bind(member(app, factory, shop), code)

    rows = invitations(factory, shop)
    assert [r.inviter_skip_reason for r in rows] == ["", "", "daily_limit", "", "total_cap"]
    assert [r.inviter_points for r in rows] == [100, 100, 0, 100, 0]
    assert [r.invitee_points for r in rows] == [50] * 5  # new members are rewarded anyway
    assert balance(factory, shop, inviter) == 300


def test_the_daily_limit_counts_the_shops_local_day(app, factory, shop, clock):
    factory.module_on(shop, "invite", {**REWARDS, "daily_limit": 1})
    inviter = member(app, factory, shop)
    code = code_of(inviter)
    clock.advance(timedelta(hours=11, minutes=30))  # 15:30 UTC = 23:30 in Shanghai
    bind(member(app, factory, shop), code)
    clock.advance(timedelta(hours=1))  # 00:30 the next day, shop-local: a new day
    bind(member(app, factory, shop), code)
    assert [r.inviter_skip_reason for r in invitations(factory, shop)] == ["", ""]


def _paid(relay, session, order_id, member_id):
    order = SimpleNamespace(id=order_id, member_id=member_id, points_used=0,
                            points_deduction_fen=0, paid_fen=0, paid_at=None)
    relay.order_paid(session=session, order=order, lines=[])
    return order


def test_first_payment_rewards_and_a_whole_refund_takes_it_back(app, factory, shop, clock):
    factory.module_on(shop, "invite", {**REWARDS, "trigger": "first_paid_order"})
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    answer = bind(invitee, code_of(inviter))
    assert (answer["status"], answer["invitee_points"]) == ("pending", 0)
    assert balance(factory, shop, invitee) == 0

    def pay_then_refund(s):
        relay = hooks(s)
        order = _paid(relay, s, 501, invitee.member.id)
        _paid(relay, s, 501, invitee.member.id)  # a repeated notification
        _paid(relay, s, 502, invitee.member.id)  # a later order: not the first
        relay.order_refunded(session=s, order=order, refund=None)
        relay.order_refunded(session=s, order=order, refund=None)

    in_shop(app, factory, shop, lambda s: _paid(hooks(s), s, 501, invitee.member.id))
    row = invitations(factory, shop)[0]
    assert (row.status, row.order_id, row.inviter_points) == ("rewarded", 501, 100)
    assert (balance(factory, shop, inviter), balance(factory, shop, invitee)) == (100, 50)

    in_shop(app, factory, shop, pay_then_refund)
    row = invitations(factory, shop)[0]
    assert (row.status, row.order_id) == ("revoked", 501)
    assert (balance(factory, shop, inviter), balance(factory, shop, invitee)) == (0, 0)
    in_shop(app, factory, shop, lambda s: _paid(hooks(s), s, 503, invitee.member.id))
    assert invitations(factory, shop)[0].status == "revoked"  # revoked for good


def test_a_completed_first_order_keeps_its_reward(app, factory, shop, clock):
    factory.module_on(shop, "invite", {**REWARDS, "trigger": "first_paid_order"})
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    bind(invitee, code_of(inviter))

    def pay_complete_refund(s):
        relay = hooks(s)
        order = _paid(relay, s, 601, invitee.member.id)
        relay.order_completed(session=s, order=order)
        relay.order_refunded(session=s, order=order, refund=None)

    in_shop(app, factory, shop, pay_complete_refund)
    row = invitations(factory, shop)[0]
    assert row.status == "rewarded" and row.settled_at is not None
    assert balance(factory, shop, inviter) == 100


def test_coupons_come_through_the_coupons_module_and_go_back_on_refund(app, factory, shop,
                                                                        clock):
    factory.module_on(shop, "coupons")
    gift = template(app, factory, shop, name="邀请券", amount_fen=500, min_spend_fen=0)
    factory.module_on(shop, "invite", {"inviter_points": 0, "invitee_points": 0,
                                       "trigger": "first_paid_order",
                                       "inviter_coupon_template_ids": [gift],
                                       "invitee_coupon_template_ids": [gift]})
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    bind(invitee, code_of(inviter))
    in_shop(app, factory, shop, lambda s: _paid(hooks(s), s, 701, invitee.member.id))
    row = invitations(factory, shop)[0]
    assert len(row.inviter_coupon_ids) == len(row.invitee_coupon_ids) == 1
    coupon = member_coupon(factory, shop, row.invitee_coupon_ids[0])
    assert (coupon.member_id, coupon.status, coupon.source) == (invitee.member.id, "unused",
                                                                "invite")

    in_shop(app, factory, shop, lambda s: hooks(s).order_refunded(
        session=s, order=SimpleNamespace(id=701, member_id=invitee.member.id), refund=None))
    assert member_coupon(factory, shop, row.invitee_coupon_ids[0]).status == "revoked"
    assert member_coupon(factory, shop, row.inviter_coupon_ids[0]).status == "revoked"


def test_without_coupons_on_only_points_are_given(app, factory, shop, clock):
    factory.module_on(shop, "coupons")
    gift = template(app, factory, shop, name="邀请券", amount_fen=500, min_spend_fen=0)
    factory.module_on(shop, "invite", {**REWARDS, "invitee_coupon_template_ids": [gift]})
    in_shop(app, factory, shop, lambda s: switches.disable(s, "coupons"))
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    answer = bind(invitee, code_of(inviter))
    assert (answer["invitee_points"], answer["invitee_coupon_ids"]) == (50, [])


def test_another_shops_invite_code_is_unknown_here(app, factory, shop, clock):
    other = factory.shop(slug="other-iv", name="别家")
    factory.module_on(shop, "invite", REWARDS)
    factory.module_on(other, "invite", REWARDS)
    code = code_of(member(app, factory, shop))
    stranger = member(app, factory, other)
    problem = bind(stranger, code, 422)
    assert problem["errors"][0]["pointer"] == "/code"
    assert invitations(factory, other) == [] and balance(factory, other, stranger) == 0
    off = factory.shop(slug="off-iv", name="未开")
    assert member(app, factory, off).call("GET", "/invite/me", expect=404).json["code"] == \
        "module_disabled"
