"""product-tabs: the products of every tab of every tabs block on the page, loaded with the
page's other product lists (one :class:`~runtime.blocklib.products.ProductSource` per tab)."""

from __future__ import annotations

from typing import Any

from runtime.blocklib.products import (
    ProductSource,
    page_product_lists,
    plan_product_lists,
    source_of,
)


def _sources(batch: list[Any]) -> list[ProductSource]:
    return [source_of(f"{instance.id}/{i}", {**tab, "limit": instance.settings.get("limit", 6)})
            for instance in batch
            for i, tab in enumerate(instance.settings.get("tabs") or [])]


def prepare(batch: list[Any], ctx: Any) -> None:
    plan_product_lists(ctx, _sources(batch))


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    lists = page_product_lists(ctx, _sources(batch))
    extra = {"preview": True} if ctx.preview else {}
    return {instance.id: {"tabs": [{"title": tab.get("title", ""),
                                    "products": lists[f"{instance.id}/{i}"]}
                                   for i, tab in enumerate(instance.settings.get("tabs") or [])],
                          **extra}
            for instance in batch}
