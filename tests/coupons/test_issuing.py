"""Issuing: the stock taken by a conditional UPDATE (200 racing claims for 50 coupons issue
50), per-member limits under concurrency (20 claims at once with limit 1 issue 1), per-day
limits, claim windows and levels, validity from the claim, the keyed hooks (issue_coupons /
revoke_coupons) other modules call, the new-member gift and the push to a segment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.coupons import service
from runtime.modules.coupons.models import CouponTemplate, MemberCoupon
from runtime.modules.coupons.service import CouponRefused
from runtime.modules.loader import hooks
from tests.aftersales.flow import drain, in_shop
from tests.concurrency import run_in_threads
from tests.coupons.flow import claim, member_coupon, template
from tests.orders.flow import shopper

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


@pytest.fixture
def on(factory, shop, clock):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")


def _count(factory, shop, **where) -> int:
    with factory._session() as s:
        use_shop(s, shop.id)
        query = select(func.count()).select_from(MemberCoupon)
        for name, value in where.items():
            query = query.where(getattr(MemberCoupon, name) == value)
        return s.scalar(query)


def test_two_hundred_claims_for_fifty_coupons_issue_fifty(app, factory, shop, on):
    tid = template(app, factory, shop, total=50)
    members = [factory.member(shop) for _ in range(200)]
    outcomes = run_in_threads(app, shop.id,
                              lambda s, i: service.claim(s, members[i].id, tid).id, 200)
    issued = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, CouponRefused)]
    assert (len(issued), len(refused)) == (50, 150), [o for o in outcomes
                                                      if not isinstance(o, int | CouponRefused)]
    assert {o.code for o in refused} == {"coupon_sold_out"}
    assert _count(factory, shop, template_id=tid) == 50
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.scalar(select(CouponTemplate.issued).where(CouponTemplate.id == tid)) == 50


def test_one_member_claiming_twenty_times_at_once_with_limit_one_gets_one(app, factory, shop,
                                                                         on):
    tid = template(app, factory, shop, per_member_limit=1)
    member = factory.member(shop)
    outcomes = run_in_threads(app, shop.id, lambda s, _i: service.claim(s, member.id, tid).id,
                              20)
    assert sum(isinstance(o, int) for o in outcomes) == 1
    assert {o.code for o in outcomes if not isinstance(o, int)} == {"coupon_limit_reached"}
    assert _count(factory, shop, member_id=member.id) == 1


def test_claim_rules_through_the_api(app, client, factory, shop, on, clock):
    alice = shopper(app, client, factory, shop)
    daily = template(app, factory, shop, name="每日券", per_member_limit=3, per_day_limit=1)
    first = claim(alice, daily)
    assert first["status"] == "unused" and first["usable_now"] is True
    # 7 days from the claim, ending at the shop's midnight (Asia/Shanghai)
    assert first["valid_until"] == "2026-11-26T16:00:00+00:00"
    assert claim(alice, daily, 409)["code"] == "coupon_day_limit_reached"
    clock.advance(timedelta(days=1))
    claim(alice, daily)
    state = alice.call("GET", f"/coupons?ids={daily}").json["items"][0]
    assert (state["claimed"], state["held"], state["can_claim"]) == (True, 2, True)

    tomorrow = claim(alice, template(app, factory, shop, name="次日券", starts_next_day=True,
                                     valid_days=2))
    assert tomorrow["valid_from"] == "2026-11-21T16:00:00+00:00"
    assert tomorrow["valid_until"] == "2026-11-23T16:00:00+00:00"
    assert tomorrow["usable_now"] is False

    later = template(app, factory, shop, name="未开始",
                     claim_from=(clock.now() + timedelta(hours=1)).isoformat())
    assert claim(alice, later, 409)["code"] == "coupon_claim_closed"
    hidden = template(app, factory, shop, name="仅发放", claimable=False)
    assert claim(alice, hidden, 404)["code"] == "coupon_not_found"
    gold = factory.level(shop, "金卡", 2, 1000)
    vip = template(app, factory, shop, name="金卡券", level_ids=[gold.id])
    assert claim(alice, vip, 403)["code"] == "coupon_level_required"
    listed = {c["id"] for c in alice.call("GET", "/coupons").json["items"]}
    assert daily in listed and hidden not in listed and later not in listed


def test_bad_template_fields_are_named(app, factory, shop, on):
    from runtime.errors import ValidationFailed
    from runtime.modules.coupons.templates import clean_template

    with pytest.raises(ValidationFailed) as error:
        clean_template({"name": "", "kind": "gift", "amount_fen": -1, "scope": "products",
                        "validity": "fixed", "total": -2, "colour": "red"})
    assert {e.pointer for e in error.value.errors} >= {
        "/name", "/kind", "/amount_fen", "/product_ids", "/valid_until", "/total", "/colour"}


def test_keyed_hooks_issue_once_and_revoke_unused(app, factory, shop, on):
    a = template(app, factory, shop, name="满减", total=10)
    b = template(app, factory, shop, name="折扣", kind="percent", discount_percent=90)
    member = factory.member(shop)

    def issue(s):
        return hooks(s).issue_coupons(session=s, member_id=member.id, template_ids=[a, b, 999],
                                      source="full_reduction", idempotency_key="order-7-tier")

    first = in_shop(app, factory, shop, issue)
    assert len(first) == 1 and len(first[0]) == 2
    assert in_shop(app, factory, shop, issue) == first  # the same key: nothing more
    one, two = first[0]
    assert member_coupon(factory, shop, one).source == "full_reduction"

    def use_one(s):
        coupon = s.scalar(select(MemberCoupon).where(MemberCoupon.id == one))
        coupon.status = "used"

    in_shop(app, factory, shop, use_one)

    def revoke(s):
        return hooks(s).revoke_coupons(session=s, idempotency_key="order-7-tier")

    assert in_shop(app, factory, shop, revoke) == [1]  # the used one stays
    assert in_shop(app, factory, shop, revoke) == [0]
    assert member_coupon(factory, shop, two).status == "revoked"
    with factory._session() as s:
        use_shop(s, shop.id)
        assert s.scalar(select(CouponTemplate.issued).where(CouponTemplate.id == a)) == 1
        assert s.scalar(select(CouponTemplate.issued).where(CouponTemplate.id == b)) == 0


def test_new_member_gift_once(app, client, factory, shop, on):
    gift = template(app, factory, shop, name="新人券", claimable=False)
    factory.module_on(shop, "coupons", {"signup_template_ids": [gift]})
    body = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-new"}).json
    headers = {"Authorization": f"Bearer {body['token']}"}
    mine = client.get(f"/api/v1/shops/{shop.slug}/me/coupons", headers=headers).json["items"]
    assert [(c["template_id"], c["source"]) for c in mine] == [(gift, "signup")]
    client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", json={"code": "dev-new"})
    assert _count(factory, shop, template_id=gift) == 1


def test_push_to_a_segment_once_per_member(app, factory, shop, on, redis_conn):
    from runtime.modules.coupons import push

    members = [factory.member(shop) for _ in range(3)]
    level = factory.level(shop, "银卡", 1, 0)  # the members are re-levelled
    tid = template(app, factory, shop, name="回馈券", claimable=False, per_member_limit=0)
    made = in_shop(app, factory, shop, lambda s: push.create_push(
        s, tid, {"level_id": level.id}).id)
    ran = drain(app, redis_conn)
    assert [result for jid, result in ran if jid.startswith("coupons-push")] == [3]
    assert _count(factory, shop, template_id=tid) == 3
    with app.app_context():  # a re-run of the job issues nothing more
        from runtime.modules.coupons.jobs import run_push

        assert run_push(shop.id, made) == 0
    assert _count(factory, shop, template_id=tid) == len(members)
