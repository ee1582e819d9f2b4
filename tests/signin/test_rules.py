"""Sign-in rules: streaks across month ends, the shop's time zone around midnight, a missed
day with and without reset, cycles, make-up limits and cost, monthly milestones — and the
worked example of docs/modules/signin.md."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.errors import Conflict, ValidationFailed
from runtime.modules.points import service as points
from runtime.modules.points.errors import InsufficientPoints
from runtime.modules.signin import service
from runtime.modules.signin.models import SigninRecord
from runtime.modules.signin.service import AlreadySignedIn

SH = ZoneInfo("Asia/Shanghai")


def at(clock, *args, zone=SH):
    clock.freeze(datetime(*args, tzinfo=zone))


@pytest.fixture
def member(factory, shop, clock):
    at(clock, 2026, 10, 28, 9)
    return factory.member(shop)


def _sign(session, member, clock, *args, zone=SH):
    at(clock, *args, zone=zone)
    result = service.sign_in(session, member.id)
    session.commit()
    return result


def test_worked_example_of_the_docs(shop_session, member, clock):
    """docs/modules/signin.md, "A worked example" — every number there is checked here."""
    s = shop_session
    days = [(2026, 10, 29), (2026, 10, 30), (2026, 10, 31), (2026, 11, 1), (2026, 11, 2),
            (2026, 11, 3), (2026, 11, 4), (2026, 11, 5)]
    results = [_sign(s, member, clock, *d, 9) for d in days]
    assert [(r.streak, r.cycle_day, r.points) for r in results] == [
        (1, 1, 5), (2, 2, 5), (3, 3, 15), (4, 4, 5), (5, 5, 5), (6, 6, 5), (7, 7, 35),
        (8, 1, 5)]
    assert all(not r.milestones for r in results)  # only 5 days in November so far

    # 6 November is missed; on the 7th the streak starts again
    seventh = _sign(s, member, clock, 2026, 11, 7, 21)
    assert (seventh.streak, seventh.cycle_day, seventh.points) == (1, 1, 5)
    assert points.balance_of(s, member.id) == 85

    # make-up of the 6th: 20 points, joins the runs, reaches the 7-day milestone
    makeup = service.make_up(s, member.id, date(2026, 11, 6))
    s.commit()
    assert (makeup.streak, makeup.cost_points, makeup.points) == (9, 20, 0)
    assert [(m.days, m.points) for m in makeup.milestones] == [(7, 50)]
    seventh_now = s.scalar(select(SigninRecord).where(
        SigninRecord.signin_date == date(2026, 11, 7)))
    assert (seventh_now.streak, seventh_now.points) == (10, 5)  # points paid stay as they were
    eighth = _sign(s, member, clock, 2026, 11, 8, 8)
    assert (eighth.streak, eighth.cycle_day, eighth.points) == (11, 4, 5)
    assert points.balance_of(s, member.id) == 120

    calendar = service.calendar_for(s, member.id)
    assert (calendar.month, calendar.streak, calendar.signed_today) == ("2026-11", 11, True)
    assert calendar.month_days_signed == 8
    assert calendar.makeup["left"] == 1
    assert [m["granted"] for m in calendar.milestones] == [True, False, False]


def test_without_reset_a_missed_day_only_pauses(factory, shop, shop_session, member, clock):
    factory.module_on(shop, "signin", {"reset_on_miss": False})
    s = shop_session
    for d in (1, 2, 4):
        last = _sign(s, member, clock, 2026, 11, d, 10)
    assert (last.streak, last.points) == (3, 15)  # day 3 of the cycle despite the gap
    at(clock, 2026, 11, 6, 10)
    assert service.calendar_for(s, member.id).streak == 3  # not broken on the calendar


def test_with_reset_a_missed_day_shows_zero_streak(shop_session, member, clock):
    _sign(shop_session, member, clock, 2026, 11, 1, 10)
    _sign(shop_session, member, clock, 2026, 11, 2, 10)
    at(clock, 2026, 11, 3, 23, 59)
    calendar = service.calendar_for(shop_session, member.id)
    assert (calendar.streak, calendar.today_points) == (2, 15)  # today would be day 3
    at(clock, 2026, 11, 4, 0, 1)
    calendar = service.calendar_for(shop_session, member.id)
    assert (calendar.streak, calendar.today_points) == (0, 5)


def test_the_day_is_the_shops_local_day_around_midnight(shop_session, member, clock):
    first = _sign(shop_session, member, clock, 2026, 11, 24, 23, 59)
    second = _sign(shop_session, member, clock, 2026, 11, 25, 0, 1)
    assert (first.record.signin_date, second.record.signin_date) == (date(2026, 11, 24),
                                                                     date(2026, 11, 25))
    assert second.streak == 2
    # 01:00 UTC on the 25th is still the 25th in Shanghai: already signed
    at(clock, 2026, 11, 25, 1, 0, zone=ZoneInfo("UTC"))
    with pytest.raises(AlreadySignedIn):
        service.sign_in(shop_session, member.id)


def test_another_shops_time_zone_moves_midnight(factory, session, clock):
    ny = factory.shop(slug="newyork", timezone="America/New_York")
    at(clock, 2026, 11, 1, 9, zone=ZoneInfo("America/New_York"))
    member = factory.member(ny)
    use_shop(session, ny.id)
    # 03:30 UTC on the 25th is 22:30 on the 24th in New York
    at(clock, 2026, 11, 25, 3, 30, zone=ZoneInfo("UTC"))
    result = service.sign_in(session, member.id)
    assert result.record.signin_date == date(2026, 11, 24)


def test_makeup_limits_and_cost(factory, shop, shop_session, member, clock):
    s = shop_session
    at(clock, 2026, 11, 20, 10)
    points.credit(s, member.id, 45, reason="gift", key="gift")
    service.make_up(s, member.id, date(2026, 11, 3))
    service.make_up(s, member.id, date(2026, 11, 4))
    s.commit()
    assert points.balance_of(s, member.id) == 5
    with pytest.raises(Conflict) as info:
        service.make_up(s, member.id, date(2026, 11, 5))
    assert info.value.code == "makeup_limit_reached"
    s.rollback()

    factory.module_on(shop, "signin", {"makeup_max_per_month": 5})
    with pytest.raises(InsufficientPoints):
        service.make_up(s, member.id, date(2026, 11, 5))
    s.rollback()
    assert s.scalar(select(SigninRecord).where(
        SigninRecord.signin_date == date(2026, 11, 5))) is None
    assert points.balance_of(s, member.id) == 5

    for bad in (date(2026, 10, 31), date(2026, 11, 20), date(2026, 11, 21)):
        with pytest.raises(ValidationFailed) as info:
            service.make_up(s, member.id, bad)
        assert info.value.errors[0].pointer == "/date"
    with pytest.raises(AlreadySignedIn):
        service.make_up(s, member.id, date(2026, 11, 3))


def test_makeup_not_before_joining_and_switchable(factory, shop, shop_session, clock):
    at(clock, 2026, 11, 10, 9)
    member = factory.member(shop)
    points.credit(shop_session, member.id, 100, reason="gift", key="gift")
    at(clock, 2026, 11, 12, 9)
    with pytest.raises(ValidationFailed):
        service.make_up(shop_session, member.id, date(2026, 11, 9))
    assert service.make_up(shop_session, member.id, date(2026, 11, 10)).streak == 1
    shop_session.commit()
    factory.module_on(shop, "signin", {"makeup_enabled": False})
    with pytest.raises(Conflict) as info:
        service.make_up(shop_session, member.id, date(2026, 11, 11))
    assert info.value.code == "makeup_disabled"


def test_cycle_restarts_after_its_last_day(factory, shop, shop_session, member, clock):
    factory.module_on(shop, "signin", {"cycle_days": 3, "daily_points": 2,
                                       "rewards": [{"day": 3, "points": 8}], "milestones": []})
    got = [_sign(shop_session, member, clock, 2026, 11, d, 9) for d in range(1, 8)]
    assert [(r.cycle_day, r.points) for r in got] == [(1, 2), (2, 2), (3, 10), (1, 2), (2, 2),
                                                      (3, 10), (1, 2)]


def test_milestones_are_per_month_and_paid_once(factory, shop, shop_session, member, clock):
    factory.module_on(shop, "signin", {"milestones": [{"days": 2, "points": 40}],
                                       "daily_points": 1, "rewards": []})
    _sign(shop_session, member, clock, 2026, 11, 29, 9)
    paid = _sign(shop_session, member, clock, 2026, 11, 30, 9)
    assert [(m.days, m.points) for m in paid.milestones] == [(2, 40)]
    december = _sign(shop_session, member, clock, 2026, 12, 1, 9)
    assert december.milestones == [] and december.streak == 3
    again = _sign(shop_session, member, clock, 2026, 12, 2, 9)
    assert [(m.days, m.points) for m in again.milestones] == [(2, 40)]
    assert points.balance_of(shop_session, member.id) == 4 + 80


def test_settings_rules_beyond_the_schema(factory, shop, shop_session):
    from runtime.modules.signin.settings import save_settings

    with pytest.raises(ValidationFailed) as info:
        save_settings(shop_session, {"cycle_days": 5, "rewards": [
            {"day": 6, "points": 1}, {"day": 2, "points": 1}, {"day": 2, "points": 3}]})
    assert [e.pointer for e in info.value.errors] == ["/settings/rewards/0/day",
                                                      "/settings/rewards/2/day"]
    with pytest.raises(ValidationFailed) as info:
        save_settings(shop_session, {"daily_points": -1, "colour": "red"})
    assert {e.pointer for e in info.value.errors} == {"/settings/daily_points",
                                                      "/settings/colour"}
