"""product-grid: the cards of every product grid on the page, loaded together.

All grids (whatever their source: picks, group, tag, newest, best-selling) are answered by
:mod:`runtime.blocklib.products` in the page's one product load (announced in ``prepare``).
A grid with source ``context`` follows the page's parameters (the category page's search
``keyword``, ``group`` or category ``id``), so the search bar and a link to a group land on a
page showing those products; without one it shows the newest products — on a product page
("看了又看") never the product being viewed.
"""

from __future__ import annotations

from typing import Any

from runtime.blocklib.products import (
    ProductSource,
    page_product_lists,
    plan_product_lists,
    source_of,
)
from runtime.errors import NotFound


def page_context(ctx: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Source settings for ``context`` grids and what they show (kind, id, name)."""
    from runtime.modules.catalog.taxonomy import get_category, get_group

    group_id, category_id = ctx.params.get("group"), ctx.params.get("id")
    keyword = ctx.params.get("keyword")
    if keyword and ctx.page.get("kind") == "category":
        return ({"source": "search", "keyword": keyword},
                {"kind": "search", "id": None, "name": keyword})
    try:
        if group_id:
            group = get_group(ctx.session, group_id)
            return ({"source": "group", "group_id": group.id},
                    {"kind": "group", "id": group.id, "name": group.name})
        if category_id and ctx.page.get("kind") == "category":
            category = get_category(ctx.session, category_id)
            return ({"source": "category", "category_id": category.id},
                    {"kind": "category", "id": category.id, "name": category.name})
    except NotFound:
        return {"source": "group", "group_id": None}, None
    return {"source": "newest"}, None


def _viewed(ctx: Any) -> int | None:
    """The product a product page shows (its ``id`` parameter), which its context grids skip."""
    viewed = ctx.params.get("id") if ctx.page.get("kind") == "product" else None
    return int(viewed) if isinstance(viewed, int | str) and str(viewed).isdigit() else None


def _sources(batch: list[Any], ctx: Any
             ) -> tuple[list[ProductSource], tuple[dict[str, Any], dict[str, Any] | None] | None]:
    """Each grid's source, and the page context when a grid follows it (looked up once per
    render: ``prepare`` and ``resolve`` share it)."""
    context: tuple[dict[str, Any], dict[str, Any] | None] | None = None
    sources = []
    for instance in batch:
        settings = dict(instance.settings)
        if settings.get("source") == "manual":
            settings["limit"] = len(settings.get("product_ids") or [])
        elif settings.get("source") == "context":
            if "product-grid.context" not in ctx.loads:
                ctx.loads["product-grid.context"] = page_context(ctx)
            context = ctx.loads["product-grid.context"]
            settings.update(context[0])
            if _viewed(ctx) is not None:  # one more, in case the viewed product is among them
                settings["limit"] = int(settings.get("limit") or 1) + 1
        sources.append(source_of(instance.id, settings))
    return sources, context


def prepare(batch: list[Any], ctx: Any) -> None:
    plan_product_lists(ctx, _sources(batch, ctx)[0])


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    sources, context = _sources(batch, ctx)
    lists = page_product_lists(ctx, sources)
    extra = {"preview": True} if ctx.preview else {}
    viewed = _viewed(ctx)
    out = {}
    for instance in batch:
        cards = lists[instance.id]
        if viewed is not None and instance.settings.get("source") == "context":
            limit = int(instance.settings.get("limit") or 1)
            cards = [card for card in cards if card["id"] != viewed][:limit]
        data: dict[str, Any] = {"products": cards, **extra}
        if instance.settings.get("source") == "context" and context and context[1]:
            data["context"] = context[1]
        out[instance.id] = data
    return out
