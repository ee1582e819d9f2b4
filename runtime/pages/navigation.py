"""The shop's bottom tab bar (底部导航): one config per shop, sent with every layout as its
``navigation`` section and drawn as the H5 footer and the mini-program's custom tab bar.

The config is ``schemas/navigation.schema.json``; until a shop saves its own it has the
default bar (首页, 分类, 购物车 with the cart count, 我的). Saving bumps the shop's page stamp,
so every cached layout and H5 page is rebuilt with the new bar. The cart count itself is
per member and never part of the cached layout: clients read it from ``GET /cart/count``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, ValidationFailed
from runtime.pages import schemas
from runtime.pages.cache import bump_config_after_commit
from runtime.pages.models import ShopNavigation

ITEM_DEFAULTS: dict[str, Any] = {"text": "导航", "icon": "home", "image": None,
                                 "selected_image": None, "link": {"kind": "page", "slug": "home"},
                                 "badge": "none"}
BAR_DEFAULTS: dict[str, Any] = {"color": "#646566", "selected_color": "", "background": "#ffffff"}


def _item(text: str, icon: str, slug: str, badge: str = "none") -> dict[str, Any]:
    return {**ITEM_DEFAULTS, "text": text, "icon": icon, "link": {"kind": "page", "slug": slug},
            "badge": badge}


DEFAULT_NAVIGATION: dict[str, Any] = {**BAR_DEFAULTS, "items": [
    _item("首页", "home", "home"), _item("分类", "grid", "category"),
    _item("购物车", "cart", "cart", "cart"), _item("我的", "user", "user")]}

# The built-in icons as SVG path data (24x24, stroked), for the H5 footer; the same drawings
# as the icon-nav block's and the mini-program's utils/icons.js.
ICON_PATHS: dict[str, str] = {
    "home": '<path d="M3 10.5L12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z"/>',
    "grid": '<rect x="4" y="4" width="6.5" height="6.5" rx="1.5"/><rect x="13.5" y="4" '
            'width="6.5" height="6.5" rx="1.5"/><rect x="4" y="13.5" width="6.5" height="6.5" '
            'rx="1.5"/><rect x="13.5" y="13.5" width="6.5" height="6.5" rx="1.5"/>',
    "cart": '<circle cx="9" cy="20" r="1.3"/><circle cx="18" cy="20" r="1.3"/><path d="M2.5 '
            '3.5h3l2.4 11.2a1.5 1.5 0 0 0 1.5 1.2h8.4a1.5 1.5 0 0 0 1.5-1.1L21 7.5H6.5"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c.8-4 4-6.5 8-6.5s7.2 2.5 8 6.5"/>',
    "order": '<rect x="5" y="4" width="14" height="17" rx="2"/><path d="M9 2.5h6v3H9zM8.5 '
             '10h7M8.5 14h7M8.5 18h4"/>',
    "shop": '<path d="M4 10v10h16V10M3 9.5L5 4h14l2 5.5a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 '
            '1-6 0zM10 20v-5h4v5"/>',
    "hot": '<path d="M12 3c.6 3.6 5.2 5.6 5.2 10.6a5.2 5.2 0 0 1-10.4 0c0-2.7 1.5-4.5 2.7-5.7.3 '
           '1.9 1.1 3 2.2 3.5C12 9.3 11 6.1 12 3z"/>',
    "new": '<path d="M12 3l2 4.4 4.6-1.3-1.3 4.6L21.5 12l-4.2 1.9 1.3 4.6-4.6-1.3L12 '
           '21.5l-1.9-4.3-4.6 1.3 1.3-4.6L2.5 12l4.3-1.9-1.3-4.6 4.6 1.3z"/><path d="M9.5 '
           '14.5v-5l5 5v-5"/>',
    "coupon": '<path d="M3 7h18v3.2a1.8 1.8 0 0 0 0 3.6V17H3v-3.2a1.8 1.8 0 0 0 0-3.6z"/><path '
              'd="M9.5 7.5v9" stroke-dasharray="1.6 2"/><path d="M13 12h4"/>',
    "gift": '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8h14v-8M12 '
            '8v12M12 8C10.5 5 7 4.5 7 6.7 7 8 9.5 8 12 8zm0 0c1.5-3 5-3.5 5-1.3C17 8 14.5 8 12 '
            '8z"/>',
    "service": '<path d="M4 14v-2a8 8 0 0 1 16 0v2"/><rect x="3" y="13" width="4" height="6" '
               'rx="1.5"/><rect x="17" y="13" width="4" height="6" rx="1.5"/><path d="M19 19c0 '
               '1.5-2 2.5-5 2.5"/>',
    "star": '<path d="M12 2.8l2.9 5.9 6.4.9-4.7 4.5 1.1 6.4L12 17.5l-5.7 3 1.1-6.4-4.7-4.5 '
            '6.4-.9z"/>',
    "heart": '<path d="M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 '
             '1.1L12 21l7.8-7.5 1-1.1a5.5 5.5 0 0 0 0-7.8z"/>',
}
# H5 addresses of the pages that are not block pages there.
H5_PAGE_PATHS = {"home": "/", "cart": "/cart"}


def _row(session: Session) -> ShopNavigation | None:
    return session.scalar(select(ShopNavigation))


def with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """A stored (valid) config with every member present."""
    out = {**BAR_DEFAULTS, **{k: v for k, v in config.items() if k in BAR_DEFAULTS}}
    out["items"] = [{**ITEM_DEFAULTS, **item} for item in config.get("items") or []]
    return out


def navigation_of(session: Session) -> tuple[dict[str, Any], int]:
    """The shop's bar and its revision (0 while the shop has the default bar)."""
    row = _row(session)
    if row is None:
        return copy.deepcopy(DEFAULT_NAVIGATION), 0
    return with_defaults(row.config), row.revision


def check_navigation(config: Any) -> list[FieldError]:
    """Every problem of ``config`` with its JSON pointer (empty when it can be saved)."""
    errors = schemas.validate("navigation", config)
    if errors or not isinstance(config, dict):
        return errors
    return [FieldError(f"/items/{i}/link", "每个导航项都需要链接", "required")
            for i, item in enumerate(config["items"]) if item.get("link") is None]


def save_navigation(session: Session, config: Any, revision: Any) -> tuple[dict[str, Any], int]:
    """Store the shop's bar. ``revision``: the one the editor loaded (409 ``navigation_conflict``
    when it was saved elsewhere since); 422 with a pointer per problem."""
    from runtime.media.refs import check_refs_exist

    errors = check_navigation(config)
    if isinstance(revision, bool) or not isinstance(revision, int):
        errors.append(FieldError("/revision", "the revision the editor loaded", "type"))
    if errors:
        raise ValidationFailed(errors)
    items = config["items"]
    for key in ("image", "selected_image"):
        refs = [item.get(key) for item in items]
        try:
            check_refs_exist(session, refs, "/items")
        except ValidationFailed as failed:
            raise ValidationFailed([FieldError(e.pointer.replace("/media_id", f"/{key}/media_id"),
                                               e.message, e.code) for e in failed.errors]) \
                from None
    row = session.scalar(select(ShopNavigation).with_for_update())
    current = row.revision if row is not None else 0
    if revision != current:
        raise Conflict(f"the navigation was saved elsewhere (now revision {current}, yours "
                       f"{revision}); reload it", code="navigation_conflict",
                       extra={"current_revision": current})
    stored = with_defaults(config)
    if row is None:
        row = ShopNavigation(config=stored, revision=1)
        session.add(row)
    else:
        row.config, row.revision = stored, row.revision + 1
    session.flush()
    shop_id = current_shop_id(session)
    assert shop_id is not None
    bump_config_after_commit(session, shop_id)
    return stored, row.revision


def image_refs(config: dict[str, Any]) -> list[dict[str, Any]]:
    return [item[key] for item in config["items"] for key in ("image", "selected_image")
            if isinstance(item.get(key), dict) and "media_id" in item[key]]


def layout_section(config: dict[str, Any],
                   expand_image: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
    """The layout's ``navigation``: the bar with its images given their URLs."""
    out = copy.deepcopy(config)
    for item in out["items"]:
        for key in ("image", "selected_image"):
            if isinstance(item.get(key), dict):
                item[key] = expand_image(item[key])
    return out


def h5_bar(section: dict[str, Any], shop_slug: str, page_slug: str) -> dict[str, Any] | None:
    """What the H5 page frame draws: the bar when this page is one of its items' pages (as a
    mini-program shows its tab bar only on tab pages), each item with ``href``, ``current``
    and its icon's SVG; None elsewhere."""
    items = section["items"]
    slugs = [item["link"].get("slug") if item["link"].get("kind") == "page" else None
             for item in items]
    if page_slug not in slugs:
        return None
    base = f"/s/{shop_slug}"
    shown = []
    for item, slug in zip(items, slugs, strict=True):
        link = item["link"]
        href = (base + H5_PAGE_PATHS.get(slug, f"/pages/{slug}") if slug is not None
                else _h5_href(base, link))
        shown.append({**item, "href": href, "current": slug == page_slug,
                      "icon_svg": Markup(ICON_PATHS.get(item["icon"], ""))})
    return {**section, "items": shown}


def _h5_href(base: str, link: dict[str, Any]) -> str:
    kind = link.get("kind")
    if kind == "product":
        return f"{base}/pages/product?id={int(link['product_id'])}"
    if kind == "group":
        return f"{base}/pages/category?group={int(link['group_id'])}"
    if kind == "url":
        return str(link["url"])
    return ""
