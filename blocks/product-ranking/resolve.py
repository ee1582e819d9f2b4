"""product-ranking: the best sellers of every ranking on the page — one sales query per
distinct period, then the cards of every product shown at once (the catalog hides products
no longer on sale)."""

from __future__ import annotations

from typing import Any


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    from runtime.modules.catalog.queries import products_by_ids
    from runtime.modules.catalog.serializers import product_cards
    from runtime.modules.orders.rankings import best_sellers

    wanted: dict[str, int] = {}
    for instance in batch:
        period = instance.settings["period"]
        wanted[period] = max(wanted.get(period, 0), instance.settings["limit"])
    # a few more than shown, for products taken off sale since
    sold = {period: best_sellers(ctx.session, period, limit + 5)
            for period, limit in wanted.items()}
    ids = [pid for ranked in sold.values() for pid, _n in ranked]
    cards = {c["id"]: {**c, "link": {"kind": "product", "product_id": c["id"]}}
             for c in product_cards(ctx.session, products_by_ids(ctx.session, ids))}
    out: dict[str, Any] = {}
    for instance in batch:
        ranked = [(pid, n) for pid, n in sold[instance.settings["period"]] if pid in cards]
        out[instance.id] = {"products": [
            {**cards[pid], "rank": i + 1, "sold": n}
            for i, (pid, n) in enumerate(ranked[:instance.settings["limit"]])]}
    return out
