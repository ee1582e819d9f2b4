"""signin-calendar: the shop's sign-in rules for every instance (no queries): the API path,
the points of each cycle day, make-up and milestone rules. The member's own month, streak
and today's state come from ``GET /api/v1/shops/<shop>/signin`` on the client, so a cached
page is the same for every shopper."""

from __future__ import annotations

from typing import Any

from runtime.modules.signin.settings import MODULE_ID, SigninSettings


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = SigninSettings.from_dict(ctx.module_settings(MODULE_ID))
    data = {
        "api": f"/api/v1/shops/{ctx.shop.slug}",
        "daily_points": rules.daily_points,
        "cycle": [{"day": n, "points": rules.daily_points + rules.extra_for(n),
                   "bonus": rules.extra_for(n) > 0} for n in range(1, rules.cycle_days + 1)],
        "reset_on_miss": rules.reset_on_miss,
        "makeup": {"enabled": rules.makeup_enabled, "cost_points": rules.makeup_cost_points,
                   "max_per_month": rules.makeup_max_per_month},
        "milestones": [{"days": d, "points": p} for d, p in rules.milestones],
    }
    return {instance.id: data for instance in batch}
