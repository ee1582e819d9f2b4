"""bargain: the live bargains for every instance of the page in one load (the most any
instance shows), each instance cut to its own ``limit``. A member's own launches come from
``GET /api/v1/shops/<shop>/bargain/launches``, so a cached page is the same for everyone.
An item opens the activity page (``url`` on H5; the mini-program opens
``/pages/bargain/activity?id=``)."""

from __future__ import annotations

from typing import Any

from runtime.modules.bargain.activities import list_activities
from runtime.modules.bargain.serializers import activities_json


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    most = max(int(instance.settings.get("limit", 4)) for instance in batch)
    rows = activities_json(ctx.session, list_activities(ctx.session, live_only=True,
                                                         limit=most))
    base = f"/s/{ctx.shop.slug}/bargain/activities"
    items = [{"id": a["id"], "title": a["product"]["title"] if a["product"] else a["title"],
              "cover": a["product"]["cover"] if a["product"] else None,
              "start_price_fen": a["start_price_fen"], "floor_price_fen": a["floor_price_fen"],
              "helpers_needed": a["helpers_needed"], "sold_out": a["stock"] < 1,
              "url": f"{base}/{a['id']}"} for a in rows]
    return {instance.id: {"items": items[:int(instance.settings.get("limit", 4))]}
            for instance in batch}
