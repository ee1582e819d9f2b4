"""product-tabs: the products of every tab of every tabs block on the page, loaded together
(one :class:`~runtime.blocklib.products.ProductSource` per tab, a fixed number of queries)."""

from __future__ import annotations

from typing import Any

from runtime.blocklib.products import load_product_lists, source_of


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    sources = []
    for instance in batch:
        limit = instance.settings.get("limit", 6)
        for i, tab in enumerate(instance.settings.get("tabs") or []):
            sources.append(source_of(f"{instance.id}/{i}", {**tab, "limit": limit}))
    lists = load_product_lists(ctx.session, sources)
    extra = {"preview": True} if ctx.preview else {}
    return {instance.id: {"tabs": [{"title": tab.get("title", ""),
                                    "products": lists[f"{instance.id}/{i}"]}
                                   for i, tab in enumerate(instance.settings.get("tabs") or [])],
                          **extra}
            for instance in batch}
