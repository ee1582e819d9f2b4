"""Whose birthday a shop-local day is: the one rule the points module's birthday points and
the birthday module's coupons both use (29 February birthdays fall on 28 February in other
years)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import extract

from runtime.modules.members.models import Member


def birthday_on(day: date) -> Any:
    """A WHERE condition: members whose birthday is ``day``."""
    days = [day.day]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        days.append(29)
    return (extract("month", Member.birthday) == day.month) \
        & extract("day", Member.birthday).in_(days)


def birthday_in_month(day: date) -> Any:
    """A WHERE condition: members born in ``day``'s month."""
    return extract("month", Member.birthday) == day.month
