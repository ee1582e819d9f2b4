"""What the order hooks do in members and points: a paid order records the purchase, adds
growth and earns points at the level's multiplier; a refund takes them back in proportion.
Tags and lifecycle stages are computed from the recorded purchases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from runtime.modules.members import purchases, tags
from runtime.modules.members.models import Member, MemberTag
from runtime.modules.members.queries import MemberFilters, search_members
from runtime.modules.points import service as points
from tests.members import paid as hook


@pytest.fixture
def member(factory, shop):
    return factory.member(shop)


def _paid(member_id, order_id, fen, at, categories=None):
    return purchases.PaidOrder(member_id=member_id, order_id=order_id, paid_fen=fen, paid_at=at,
                               category_fen=categories or {})


def test_paid_order_records_stats_growth_and_points(shop_session, factory, shop, member, clock):
    gold = factory.level(shop, "金卡", 1, 100, points_multiplier="2")
    now = clock.now()
    first = purchases.on_order_paid(shop_session, _paid(member.id, 1, 12_345, now, {7: 12_345}))
    assert (first.growth, first.recorded) == (123, True)
    assert first.level_change.to_level_id == gold.id
    again = purchases.on_order_paid(shop_session, _paid(member.id, 1, 12_345, now))
    assert (again.recorded, again.growth) == (False, 123)
    shop_session.rollback()

    hook.order_paid(shop_session, member.id, 1, 12_345, now)
    assert points.balance_of(shop_session, member.id) == 123
    assert shop_session.get(Member, member.id).level_id == gold.id
    hook.order_paid(shop_session, member.id, 2, 5_000, now)
    assert points.balance_of(shop_session, member.id) == 223  # gold doubles points
    hook.order_paid(shop_session, member.id, 2, 5_000, now)  # a retried job: nothing new
    shop_session.commit()
    fresh = shop_session.get(Member, member.id)
    assert (fresh.order_count, fresh.total_spent_fen, fresh.growth, fresh.lifecycle_stage) == \
        (2, 17_345, 173, "active")
    assert points.balance_of(shop_session, member.id) == 223


def test_partial_refund_reverses_proportionally(shop_session, member, clock):
    points.credit(shop_session, member.id, 1000, reason="gift", key="gift")
    points.spend_for_order(shop_session, member.id, 9, 400, amount_fen=400)
    hook.order_paid(shop_session, member.id, 9, 20_000, clock.now())
    assert points.balance_of(shop_session, member.id) == 800

    hook.order_refunded(shop_session, member.id, 9, 1, 20_000, 5_000)
    fresh = shop_session.get(Member, member.id)
    assert (fresh.total_spent_fen, fresh.growth) == (15_000, 150)  # 50 growth back
    assert points.balance_of(shop_session, member.id) == 850  # -50 earned, +100 deducted
    hook.order_refunded(shop_session, member.id, 9, 1, 20_000, 5_000)  # retried: no change
    assert (fresh.total_spent_fen, fresh.growth) == (15_000, 150)
    assert points.balance_of(shop_session, member.id) == 850
    hook.order_refunded(shop_session, member.id, 9, 2, 20_000, 20_000)
    assert (fresh.total_spent_fen, fresh.growth) == (0, 0)
    assert points.balance_of(shop_session, member.id) == 1000


def test_lifecycle_stage_by_last_purchase(shop_session, factory, shop, clock):
    now = clock.now()
    never = factory.member(shop)
    recent, quiet, gone = (factory.member(shop) for _ in range(3))
    for m, days in ((recent, 3), (quiet, 45), (gone, 200)):
        purchases.record_purchase(shop_session, _paid(m.id, m.id, 100, now - timedelta(days=days)))
    tags.recompute_lifecycle(shop_session)
    shop_session.commit()
    stages = {m.id: m.lifecycle_stage for m in shop_session.scalars(select(Member))}
    assert stages == {never.id: "new", recent.id: "active", quiet.id: "dormant",
                      gone.id: "lost"}
    clock.advance(timedelta(days=28))
    assert tags.recompute_lifecycle(shop_session) == 1  # recent is now dormant


def test_rule_tags_follow_purchases(shop_session, factory, shop, clock):
    now = clock.now()
    big, small, old = (factory.member(shop) for _ in range(3))
    purchases.record_purchase(shop_session, _paid(big.id, 1, 60_000, now - timedelta(days=10),
                                                  {3: 60_000}))
    purchases.record_purchase(shop_session, _paid(small.id, 2, 5_000, now, {4: 5_000}))
    purchases.record_purchase(shop_session, _paid(old.id, 3, 90_000, now - timedelta(days=100),
                                                  {3: 90_000}))
    spender = tags.create_tag(shop_session, "高消费", {"type": "spent_at_least",
                                                    "min_fen": 50_000, "days": 90})
    fan = tags.create_tag(shop_session, "买过茶叶", {"type": "bought_category",
                                                  "category_id": 3, "days": None})
    vip = tags.create_tag(shop_session, "VIP")
    tags.tag_members(shop_session, vip.id, [small.id])
    shop_session.commit()

    def tagged(tag):
        return set(shop_session.scalars(select(MemberTag.member_id)
                                        .where(MemberTag.tag_id == tag.id)))

    assert tagged(spender) == {big.id}
    assert tagged(fan) == {big.id, old.id}
    # a refund takes big below the threshold; the next recompute drops the tag
    purchases.on_order_refunded(shop_session, member_id=big.id, order_id=1, refund_id=1,
                                paid_fen=60_000, refunded_total_fen=20_000)
    result = tags.recompute_segments(shop_session)
    assert result["tags"][spender.id] == (0, 1)
    assert tagged(spender) == set()
    page = search_members(shop_session, MemberFilters(tag_id=fan.id, sort="spent"))
    assert [r.member.id for r in page.rows] == [old.id, big.id]
    page = search_members(shop_session, MemberFilters(tag_id=vip.id))
    assert [r.member.id for r in page.rows] == [small.id]


def test_member_list_filters(shop_session, factory, shop, clock):
    level = factory.level(shop, "银卡", 1, 10)
    a = factory.member(shop, nickname="张三", phone="13800000001")
    b = factory.member(shop, nickname="李四")
    hook.order_paid(shop_session, a.id, 1, 30_000, clock.now())
    shop_session.commit()

    def ids(**kw):
        return [r.member.id for r in search_members(shop_session, MemberFilters(**kw)).rows]

    assert ids(q="张") == [a.id]
    assert ids(q="0001") == [a.id]
    assert ids(level_id=level.id) == [a.id]
    assert ids(stage="new") == [b.id]
    assert ids(min_spent_fen=1) == [a.id]
    assert ids(max_spent_fen=0) == [b.id]
    assert ids() == [b.id, a.id]
    page = search_members(shop_session, MemberFilters(q="张"))
    assert (page.total, page.rows[0].points, page.rows[0].level.name) == (1, 300, "银卡")


def test_filter_parsing_names_bad_fields():
    from runtime.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        MemberFilters.parse({"level_id": "x", "stage": "sleepy", "sort": "age",
                             "min_spent_fen": "-1"})
    assert {e.pointer for e in info.value.errors} == {"/level_id", "/stage", "/sort",
                                                       "/min_spent_fen"}
    assert MemberFilters.parse({"tag_id": "3", "q": " x "}) == MemberFilters(q="x", tag_id=3)

