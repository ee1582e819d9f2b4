"""seckill block: the shop's slots and the activities not ended, with their products and
prices, for every instance in one pass (three queries plus one for the product cards).
Timing and stock are NOT in the (cached) layout: the client reads ``GET .../seckill/live``
(cached two seconds) for the server's ``now``, each activity's state and window, and sold
progress, and counts down from the server's time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.seckill.service import list_slots, load_activities, slot_json


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    session = ctx.session
    views = [v for v in load_activities(session) if v.activity.enabled]
    sku_ids = [row.sku_id for v in views for row in v.skus]
    found = {sku.id: (sku, product) for sku, product in session.execute(
        select(Sku, Product).join(Product, Product.id == Sku.product_id)
        .where(Sku.id.in_(sku_ids)))} if sku_ids else {}
    refs = [(sku.image or (product.images or [None])[0]) for sku, product in found.values()]
    assets = load_assets(session, [r for r in refs if r])
    api = f"/api/v1/shops/{ctx.shop.slug}"
    activities = []
    for view in views:
        items = []
        for row in view.skus:
            if row.sku_id not in found:
                continue
            sku, product = found[row.sku_id]
            image = sku.image or (product.images or [None])[0]
            items.append({"activity_id": view.activity.id, "sku_id": row.sku_id,
                          "product_id": product.id, "title": product.title,
                          "image_url": media_url(image, 300, assets=assets) if image else None,
                          "price_fen": sku.price_fen,
                          "seckill_price_fen": row.seckill_price_fen,
                          "stock": row.total_stock,
                          "url": f"/s/{ctx.shop.slug}/seckill/{view.activity.id}"
                                 f"?sku={row.sku_id}"})
        activities.append({"id": view.activity.id, "title": view.activity.title,
                           "slot_ids": [s.id for s in view.slots], "items": items})
    data = {"api": api, "live": f"{api}/seckill/live",
            "slots": [slot_json(s) for s in list_slots(session)], "activities": activities}
    return {instance.id: data for instance in batch}
