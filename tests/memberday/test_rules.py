"""Member day's calendar: weekly and monthly days in the shop's time zone, the next day, and
the benefit text shoppers read."""

from __future__ import annotations

from datetime import date

from runtime.modules.memberday.settings import MemberDaySettings


def rules(**changes):
    return MemberDaySettings.from_dict(changes)


def test_weekly_day_and_the_next_one():
    wednesdays = rules(schedule="weekly", weekday=3)
    assert wednesdays.is_member_day(date(2026, 11, 25))  # a Wednesday
    assert not wednesdays.is_member_day(date(2026, 11, 26))
    assert wednesdays.next_member_day(date(2026, 11, 25)) == date(2026, 11, 25)
    assert wednesdays.next_member_day(date(2026, 11, 26)) == date(2026, 12, 2)
    assert rules(weekday=7).next_member_day(date(2026, 11, 30)) == date(2026, 12, 6)


def test_monthly_day_falls_on_the_last_day_of_a_shorter_month():
    the_31st = rules(schedule="monthly", month_day=31)
    assert the_31st.is_member_day(date(2027, 2, 28))
    assert not the_31st.is_member_day(date(2027, 2, 27))
    assert the_31st.is_member_day(date(2028, 2, 29))  # leap year
    assert the_31st.next_member_day(date(2026, 12, 31)) == date(2026, 12, 31)
    assert the_31st.next_member_day(date(2027, 1, 1)) == date(2027, 1, 31)
    assert the_31st.next_member_day(date(2027, 2, 1)) == date(2027, 2, 28)
    assert rules(schedule="monthly", month_day=18).next_member_day(date(2026, 12, 19)) == \
        date(2027, 1, 18)


def test_benefit_text():
    assert rules(discount_percent=90, points_multiplier=2).benefit_text == "会员9折 · 积分2倍"
    assert rules(discount_percent=85, points_multiplier=1).benefit_text == "会员8.5折"
    assert rules(discount_percent=100, points_multiplier=3).benefit_text == "积分3倍"
