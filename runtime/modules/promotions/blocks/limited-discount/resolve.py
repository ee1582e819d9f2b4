"""limited-discount: the running (and announced) discounts with their products' lowest
discount price, once for every instance of the page (discounts, items, SKU prices,
products and their covers: five queries however many instances); the countdown runs on
the client from ``ends_at`` / ``starts_at``. On a product page (``ctx.params["id"]``) only
that product's discount is shown: its discount price next to the price. A start or an end
bumps the page data, so a cached page never shows a finished discount for long."""

from __future__ import annotations

from typing import Any

from runtime.modules.catalog.queries import products_by_ids
from runtime.modules.catalog.serializers import product_cards
from runtime.modules.promotions.service import MODULE, shopper_discounts


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    hours = ctx.module_settings(MODULE)["preview_hours"]
    product_id = ctx.params.get("id")
    discounts = shopper_discounts(
        ctx.session, preview_hours=hours,
        product_id=product_id if isinstance(product_id, int) else None)
    best: dict[tuple[int, int], dict[str, int]] = {}
    for d in discounts:
        for item in d["items"]:
            if "discount_price_fen" not in item:
                continue
            key = (d["id"], item["product_id"])
            if key not in best or item["discount_price_fen"] < best[key]["discount_price_fen"]:
                best[key] = {"price_fen": item["price_fen"],
                             "discount_price_fen": item["discount_price_fen"]}
    products = products_by_ids(ctx.session, list(dict.fromkeys(p for _d, p in best)))
    cards = {c["id"]: c for c in product_cards(ctx.session, products)} if products else {}
    shown = []
    for d in discounts:
        items = [{**cards[p], **prices} for (did, p), prices in best.items()
                 if did == d["id"] and p in cards]
        if items:
            shown.append({"id": d["id"], "name": d["name"], "tag": d["tag"],
                          "status": d["status"], "starts_at": d["starts_at"],
                          "ends_at": d["ends_at"], "products": items})
    result = {}
    for instance in batch:
        limit = instance.settings.get("max_products", 6)
        left, out = limit, []
        for d in shown:
            if left <= 0:
                break
            out.append({**d, "products": d["products"][:left]})
            left -= len(out[-1]["products"])
        result[instance.id] = {"discounts": out}
    return result
