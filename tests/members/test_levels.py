"""Levels reached by growth: ordered ladder, upgrade (and the recorded change) on growth,
paid cards that lift the level while active, benefits the pricing pipeline reads."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from runtime.errors import ValidationFailed
from runtime.modules.members import levels
from runtime.modules.members.models import LevelChange, Member, MemberCard


@pytest.fixture
def ladder(factory, shop):
    return [factory.level(shop, "普通会员", 1, 0),
            factory.level(shop, "银卡", 2, 500, discount_percent=98),
            factory.level(shop, "金卡", 3, 2000, discount_percent=95, free_shipping=True,
                          points_multiplier="1.5", birthday_gift_points=200)]


def test_level_upgrade_on_growth_is_recorded(shop_session, factory, shop, ladder, clock):
    member = factory.member(shop)
    levels.add_growth(shop_session, member.id, 1, reason="signup", key="g0")
    result = levels.add_growth(shop_session, member.id, 498, reason="order_paid", key="g1")
    assert result.change is None
    result = levels.add_growth(shop_session, member.id, 1601, reason="order_paid", key="g2",
                               ref_type="order", ref_id="12")
    shop_session.commit()
    fresh = shop_session.get(Member, member.id)
    assert (fresh.growth, fresh.level_id) == (2100, ladder[2].id)
    changes = shop_session.scalars(select(LevelChange).order_by(LevelChange.id)).all()
    assert [(c.from_level_id, c.to_level_id, c.growth, c.reason) for c in changes] == [
        (None, ladder[0].id, 1, "growth:signup"),
        (ladder[0].id, ladder[2].id, 2100, "growth:order_paid")]
    assert result.change.to_level_id == ladder[2].id
    benefits = levels.member_benefits(shop_session, member.id)
    assert benefits == levels.LevelBenefits(ladder[2].id, "金卡", 95, True, Decimal("1.50"), 200)


def test_growth_key_applies_once_and_never_goes_negative(shop_session, factory, shop, clock):
    member = factory.member(shop)
    levels.add_growth(shop_session, member.id, 100, reason="x", key="k")
    again = levels.add_growth(shop_session, member.id, 100, reason="x", key="k")
    assert not again.applied
    down = levels.add_growth(shop_session, member.id, -300, reason="order_refund", key="k2")
    assert down.entry.delta == -100
    assert shop_session.get(Member, member.id).growth == 0


def test_levels_follow_growth_down_after_a_refund(shop_session, factory, shop, ladder, clock):
    member = factory.member(shop)
    levels.add_growth(shop_session, member.id, 600, reason="order_paid", key="g")
    assert shop_session.get(Member, member.id).level_id == ladder[1].id
    levels.add_growth(shop_session, member.id, -200, reason="order_refund", key="r")
    assert shop_session.get(Member, member.id).level_id == ladder[0].id


def test_ladder_must_rise_with_rank(shop_session, ladder):
    with pytest.raises(ValidationFailed) as info:
        levels.create_level(shop_session, {"name": "钻石", "rank": 4, "growth_threshold": 1000})
    assert info.value.errors[0].pointer == "/growth_threshold"
    with pytest.raises(ValidationFailed) as info:
        levels.create_level(shop_session, {"name": "重复", "rank": 2, "growth_threshold": 9000})
    assert info.value.errors[0].pointer == "/rank"
    with pytest.raises(ValidationFailed) as info:
        levels.create_level(shop_session, {"name": "", "rank": 5, "growth_threshold": -1,
                                           "discount_percent": 0, "color": "red"})
    assert {e.pointer for e in info.value.errors} == {"/name", "/growth_threshold",
                                                       "/discount_percent", "/color"}


def test_changing_thresholds_recomputes_members(shop_session, factory, shop, ladder, clock):
    member = factory.member(shop)
    levels.add_growth(shop_session, member.id, 700, reason="x", key="g")
    assert shop_session.get(Member, member.id).level_id == ladder[1].id
    levels.update_level(shop_session, ladder[1].id, {"growth_threshold": 800})
    shop_session.commit()
    assert shop_session.get(Member, member.id).level_id == ladder[0].id
    last = shop_session.scalars(select(LevelChange).order_by(LevelChange.id.desc())).first()
    assert last.reason == "levels_changed"


def test_active_card_lifts_the_level_until_it_expires(shop_session, factory, shop, ladder,
                                                      clock):
    from runtime.modules.members import cards

    member = factory.member(shop)
    plan = cards.create_plan(shop_session, {"name": "金卡月卡", "level_id": ladder[2].id,
                                            "price_fen": 1990, "days": 30})
    cards.grant_card(shop_session, member.id, plan.id, key="card-1", payment_ref="t")
    assert shop_session.get(Member, member.id).level_id == ladder[2].id
    again = cards.grant_card(shop_session, member.id, plan.id, key="card-2", payment_ref="t2")
    first = shop_session.scalars(select(MemberCard).order_by(MemberCard.id)).first()
    assert again.starts_at == first.expires_at  # a second card extends the first
    clock.advance(timedelta(days=59))
    assert cards.expire_cards(shop_session) == 0
    clock.advance(timedelta(days=2))
    assert cards.expire_cards(shop_session) == 1
    assert shop_session.get(Member, member.id).level_id == ladder[0].id  # growth level
