"""The tab rows of the page-tabs and header-combo blocks: the merchant's own tabs, or a first
tab to the home page followed by the shop's visible top-level categories; the tab of the page
being shown is marked ``current``. One category query per page, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_CATEGORY_TABS = 20


def _is_current(link: Any, ctx: Any) -> bool:
    if not isinstance(link, Mapping):
        return False
    kind = link.get("kind")
    if kind == "page":
        return link.get("slug") == ctx.page.get("slug") and not ctx.params
    if kind == "group":
        return link.get("group_id") == ctx.params.get("group")
    return False


def tab_rows(rows: Iterable[tuple[str, Mapping[str, Any]]], ctx: Any) -> dict[str, Any]:
    """``rows``: (instance id, settings with ``tab_source``, ``tabs``, ``first_tab``) ->
    {instance id: {"tabs": [{"text", "link", "category_id"}], "current": index or -1}}."""
    rows = list(rows)
    categories: list[Any] = []
    if any(s.get("tab_source") == "categories" for _id, s in rows):
        from runtime.modules.catalog.taxonomy import category_tree

        categories = [n.category for n in category_tree(ctx.session, visible_only=True)]
    out: dict[str, Any] = {}
    for instance_id, settings in rows:
        source = settings.get("tab_source")
        if source == "categories":
            tabs = [{"text": settings.get("first_tab") or "推荐",
                     "link": {"kind": "page", "slug": "home"}, "category_id": None}]
            tabs += [{"text": c.name, "link": {"kind": "page", "slug": "category"},
                      "category_id": c.id} for c in categories[:MAX_CATEGORY_TABS]]
            current = next((i for i, t in enumerate(tabs) if t["category_id"] is not None
                            and ctx.page.get("kind") == "category"
                            and ctx.params.get("id") == t["category_id"]), -1)
            if current < 0 and ctx.page.get("kind") == "home":
                current = 0
        elif source == "manual":
            tabs = [{"text": t.get("text", ""), "link": t.get("link"), "category_id": None}
                    for t in settings.get("tabs") or []]
            current = next((i for i, t in enumerate(tabs) if _is_current(t["link"], ctx)), -1)
        else:
            tabs, current = [], -1
        out[instance_id] = {"tabs": tabs, "current": current}
    return out
