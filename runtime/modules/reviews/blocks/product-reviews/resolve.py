"""product-reviews: the rating and latest shown reviews of the page's product (``?id=``;
the editor's preview: the newest product on sale), for every instance in one pass."""

from __future__ import annotations

from typing import Any


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    from runtime.modules.catalog.queries import ProductFilter, list_products
    from runtime.modules.reviews import serializers, service

    product_id = ctx.params.get("id")
    if product_id is None and ctx.preview:
        newest = list_products(ctx.session, ProductFilter(), sort="newest", limit=1).items
        product_id = newest[0].id if newest else None
    if not isinstance(product_id, int):
        return {i.id: {"product_id": None, "rating": None, "items": []} for i in batch}
    most = max(instance.settings["count"] for instance in batch)
    reviews = service.latest_for_products(ctx.session, [product_id], most)[product_id]
    assets = serializers.review_assets(ctx.session, reviews)
    items = [serializers.public_review(r, assets) for r in reviews]
    rating = service.ratings(ctx.session, [product_id])[product_id].as_dict()
    return {instance.id: {"product_id": product_id, "rating": rating,
                          "items": items[:instance.settings["count"]]}
            for instance in batch}
