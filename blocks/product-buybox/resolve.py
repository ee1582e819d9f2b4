"""product-buybox: the product the page shows (``?id=``), as the product API answers it.

The editor's preview has no ``id``: it shows the shop's newest product on sale, so the
merchant decorates around a real buy box. Live price and stock are fetched again by the
page's script (``storefront.js``), so a cached page never sells from stale stock; so are the
offers of activity modules (``offers``: the ones on)."""

from __future__ import annotations

from typing import Any

from runtime.errors import NotFound

#: Activity modules whose static ``offer.js`` adds their live offer (price, countdown, the
#: activity's buy path) to the buy box when the shop has them on.
OFFER_MODULES = ("seckill", "groupbuy")


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    from runtime.modules.catalog.queries import ProductFilter, list_products
    from runtime.modules.catalog.serializers import shopper_product

    product_id = ctx.params.get("id")
    if product_id is None and ctx.preview:
        newest = list_products(ctx.session, ProductFilter(), sort="newest", limit=1).items
        product_id = newest[0].id if newest else None
    product = None
    if isinstance(product_id, int):
        try:
            product = shopper_product(ctx.session, product_id)
        except NotFound:
            product = None
    offers = [m for m in OFFER_MODULES if ctx.modules.is_enabled(m)]
    data = {"product": product, "preview": ctx.preview, "offers": offers}
    return {instance.id: data for instance in batch}
