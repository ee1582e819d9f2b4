"""points-mall-grid: the items on offer for every instance of the page in one load (the
most any instance shows), each instance cut to its own ``limit``. What a member holds and
their balance come from ``GET /api/v1/shops/<shop>/pointsmall/products`` on the client, so
a cached page is the same for every shopper. An item opens checkout as a points-mall
exchange (``exchange_url`` on H5; the mini-program builds the same from ``id`` and
``sku_id``); "more" opens the custom page ``pointsmall``."""

from __future__ import annotations

from typing import Any

from runtime.modules.pointsmall.service import shop_items

MALL_PAGE = "pointsmall"  # the custom page the demo seeds with this block


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    most = max(int(instance.settings.get("limit", 6)) for instance in batch)
    items = [card.as_dict() for card in shop_items(ctx.session, limit=most)]
    base = f"/s/{ctx.shop.slug}"
    for item in items:
        item["exchange_url"] = (f"{base}/checkout?sku={item['sku_id']}&qty=1"
                                f"&activity=pointsmall&activity_id={item['id']}")
    return {instance.id: {"items": items[:int(instance.settings.get("limit", 6))],
                          "mall_page": MALL_PAGE, "mall_url": f"{base}/pages/{MALL_PAGE}"}
            for instance in batch}
