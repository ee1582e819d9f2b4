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

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, ValidationFailed
from runtime.pages import schemas
from runtime.pages.cache import bump_config_after_commit
from runtime.pages.icons import icon_svg
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
                      "icon_svg": icon_svg(item["icon"])})
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
