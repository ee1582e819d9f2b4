"""distribution-centre: the shop's distribution rules for every instance (no queries): the
API path, how shoppers become distributors, the two commission rates and the withdrawal
minimum. The member's own centre (earnings, code, application) comes from
``GET /api/v1/shops/<shop>/distribution/me`` on the client, so a cached page is the same
for every shopper."""

from __future__ import annotations

from typing import Any

from runtime.modules.distribution.settings import MODULE_ID, DistributionSettings


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = DistributionSettings.from_dict(ctx.module_settings(MODULE_ID))
    data = {
        "api": f"/api/v1/shops/{ctx.shop.slug}",
        "enrolment": rules.enrolment,
        "threshold_fen": rules.threshold_fen,
        "level1_rate": format(rules.level1_rate.normalize(), "f"),
        "level2_rate": format(rules.level2_rate.normalize(), "f"),
        "withdraw_min_fen": rules.withdraw_min_fen,
    }
    return {instance.id: data for instance in batch}
