"""member-day: the shop's member-day rules for every instance (no queries): name, benefits
and schedule. Whether today is the day, the days until the next one and whether the shopper
takes part come from ``GET /api/v1/shops/<shop>/memberday`` on the client, so a cached page
is right on every day and the same for every shopper."""

from __future__ import annotations

from typing import Any

from runtime.modules.memberday.settings import MODULE_ID, MemberDaySettings


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = MemberDaySettings.from_dict(ctx.module_settings(MODULE_ID))
    data = {"api": f"/api/v1/shops/{ctx.shop.slug}", "title": rules.title,
            "schedule_text": rules.schedule_text, "benefit_text": rules.benefit_text,
            "discount_percent": rules.discount_percent,
            "points_multiplier": rules.points_multiplier}
    return {instance.id: data for instance in batch}
