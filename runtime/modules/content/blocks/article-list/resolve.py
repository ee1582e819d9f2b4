"""article-list: the latest published articles of each instance's category ("" = all), for
every instance on the page in one statement (``service.latest_by_category``), plus one for
their covers and one for the category names."""

from __future__ import annotations

from typing import Any

from runtime.modules.content import serializers, service


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    wanted = [(i.settings.get("category", "").strip(), i.settings["count"]) for i in batch]
    found = service.latest_by_category(ctx.session, wanted)
    articles = [a for items in found.values() for a in items]
    assets = serializers.cover_assets(ctx.session, articles)
    names = serializers.page_category_names(ctx)
    ids = {name: cid for cid, name in names.items()}
    out: dict[str, Any] = {}
    for instance, (name, count) in zip(batch, wanted, strict=True):
        out[instance.id] = {
            "items": [serializers.article_card(a, assets, names) for a in found[name][:count]],
            "category_id": ids.get(name) if name else None,
            "more": f"/s/{ctx.shop.slug}/articles"
                    + (f"?category={ids[name]}" if name in ids else ""),
        }
    return out
