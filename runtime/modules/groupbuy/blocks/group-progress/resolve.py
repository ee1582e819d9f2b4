"""group-progress: only the API paths (no queries). The group is the buyer's own and its
seats change by the minute, so the template reads ``GET .../groupbuy/mine`` and
``.../groupbuy/groups/<id>`` on the client, never from the cached page."""

from __future__ import annotations

from typing import Any


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    data = {"api": f"/api/v1/shops/{ctx.shop.slug}/groupbuy"}
    return {instance.id: data for instance in batch}
