"""groupbuy: the live activities (product, badge, prices), one set of queries for every
instance on the page. Seats and open groups change every minute, so the page carries none:
the template reads them from ``GET .../groupbuy/activities`` (cached a few seconds)."""

from __future__ import annotations

from typing import Any

from runtime.modules.groupbuy import activities, serializers


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    most = max(instance.settings["count"] for instance in batch)
    rows = activities.list_activities(ctx.session, live_only=True, limit=most)
    items = serializers.activities_json(ctx.session, rows, open_groups=0)
    api = f"/api/v1/shops/{ctx.shop.slug}/groupbuy/activities"
    return {instance.id: {"api": api, "items": items[:instance.settings["count"]]}
            for instance in batch}
