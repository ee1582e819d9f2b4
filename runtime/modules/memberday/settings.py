"""The member-day module's settings as a typed value, and the calendar rule that reads them."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from runtime.modules.settings import ModuleSettings

MODULE_ID = "memberday"
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class MemberDaySettings(ModuleSettings):
    """Defaults: module.json's settings schema."""

    MODULE_ID = MODULE_ID
    title: str
    schedule: str  # "weekly" | "monthly"
    weekday: int  # 1 = Monday ... 7 = Sunday
    month_day: int  # 1-31; the month's last day when it has fewer
    discount_percent: int  # what members pay on the day (90 = 九折); 100 = no discount
    points_multiplier: int
    min_level_rank: int  # 0 = every member

    def is_member_day(self, day: date) -> bool:
        if self.schedule == "weekly":
            return day.isoweekday() == self.weekday
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(self.month_day, last)

    def next_member_day(self, today: date) -> date:
        """Today when it is the day, else the next one."""
        if self.schedule == "weekly":
            return today + timedelta(days=(self.weekday - today.isoweekday()) % 7)
        year, month = today.year, today.month
        while True:
            day = date(year, month, min(self.month_day, calendar.monthrange(year, month)[1]))
            if day >= today:
                return day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    @property
    def schedule_text(self) -> str:
        """When the day is, in the words a shopper reads (每周三, 每月18日)."""
        if self.schedule == "weekly":
            return f"每周{WEEKDAYS[self.weekday - 1]}"
        if self.month_day <= 28:
            return f"每月{self.month_day}日"
        return f"每月{self.month_day}日（小月为月末）"

    @property
    def benefit_text(self) -> str:
        """The day's benefits in the words a shopper reads (九折 · 积分 2 倍)."""
        parts = []
        if self.discount_percent < 100:
            tenths = self.discount_percent / 10
            parts.append(f"会员{tenths:g}折")
        if self.points_multiplier > 1:
            parts.append(f"积分{self.points_multiplier}倍")
        return " · ".join(parts)
