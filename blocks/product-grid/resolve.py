"""product-grid: the cards of every product grid on the page, loaded together.

All grids (whatever their source: picks, group, tag, newest, best-selling) are answered by
:func:`runtime.blocklib.products.load_product_lists` with a fixed number of queries.
"""

from __future__ import annotations

from typing import Any

from runtime.blocklib.products import load_product_lists, source_of


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    sources = []
    for instance in batch:
        settings = dict(instance.settings)
        if settings.get("source") == "manual":
            settings["limit"] = len(settings.get("product_ids") or [])
        sources.append(source_of(instance.id, settings))
    lists = load_product_lists(ctx.session, sources)
    extra = {"preview": True} if ctx.preview else {}
    return {instance.id: {"products": lists[instance.id], **extra} for instance in batch}
