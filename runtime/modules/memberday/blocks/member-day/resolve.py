"""member-day: the shop's member-day rules for every instance (no queries): name, benefits
and schedule. Whether today is the day, the days until the next one and whether the shopper
takes part come from ``GET /api/v1/shops/<shop>/memberday`` on the client, so a cached page
is right on every day and the same for every shopper."""

from __future__ import annotations

from typing import Any

from runtime.modules.memberday.settings import MODULE_ID, MemberDaySettings

WEEKDAYS = "一二三四五六日"


def schedule_text(rules: MemberDaySettings) -> str:
    if rules.schedule == "weekly":
        return f"每周{WEEKDAYS[rules.weekday - 1]}"
    return f"每月{rules.month_day}日" if rules.month_day <= 28 else \
        f"每月{rules.month_day}日（小月为月末）"


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = MemberDaySettings.from_dict(ctx.module_settings(MODULE_ID))
    data = {"api": f"/api/v1/shops/{ctx.shop.slug}", "title": rules.title,
            "schedule_text": schedule_text(rules), "benefit_text": rules.benefit_text,
            "discount_percent": rules.discount_percent,
            "points_multiplier": rules.points_multiplier}
    return {instance.id: data for instance in batch}
