"""The demo shop's home page: the active theme's home preset, filled with the shop's real data.

Banner slides get artwork drawn by :mod:`runtime.blocklib.artwork` (stored in the media library),
group tabs and empty group links point at the catalog's real product groups (an entry named
for a page a module's demo made, e.g. 会员好礼 -> the points mall's ``pointsmall`` page, links
to that page), and the result is published. Idempotent: when the live home page already is
what this would publish, nothing is written; a home page the merchant has changed since
(neither the preset nor the seeded page) is left alone.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from runtime.blocklib.artwork import banner_for, banner_png
from runtime.media.refs import ref_for
from runtime.media.service import upload
from runtime.modules.catalog.taxonomy import group_product_counts, list_groups
from runtime.pages import store
from runtime.pages.registries import Registries
from runtime.pages.validation import check_page
from runtime.shops.models import Shop
from runtime.themes.service import active_theme

log = logging.getLogger(__name__)

MEDIA_FOLDER = "首页装修"
MAX_TABS = 4
# entries of the preset (by title or subtitle) that lead to a page a module's demo seeds
ENTRY_PAGES = {"会员好礼": "pointsmall", "积分兑好物": "pointsmall"}


def seed_demo_home(session: Session, shop: Shop) -> bool:
    """Publish the demo home page; True when a new version was published."""
    from runtime.extension import state

    return seed_home_page(session, state().registries["pages"])


def seed_home_page(session: Session, registries: Registries) -> bool:
    page = store.ensure_page(session, "home", registries)
    preset = _normalised(active_theme(session, registries.themes).theme.preset("home"),
                         registries)
    live = store.live_config(session, "home")
    current = live[1].config if live else None
    wanted = _normalised(build_home(session, preset), registries)
    if current == wanted:
        return False
    if current is not None and current != preset:
        log.info("demo home page left as it is: it was changed since it was seeded")
        return False
    page = store.save_draft(session, "home", wanted, page.draft_revision, registries)
    store.publish(session, "home", revision=page.draft_revision, registries=registries)
    return True


def _normalised(config: dict[str, Any], registries: Registries) -> dict[str, Any]:
    normalised, errors = check_page(config, registries.blocks, "home")
    if errors:
        raise ValueError(f"the demo home page is not valid: {errors[0].pointer}: "
                         f"{errors[0].message}")
    return normalised


def build_home(session: Session, preset: dict[str, Any]) -> dict[str, Any]:
    """The preset with artwork and real product groups put in."""
    config = copy.deepcopy(preset)
    counts = group_product_counts(session)
    groups = [g for g in list_groups(session) if counts.get(g.id)]
    links = _group_links(groups)
    pages = {slug for slug in set(ENTRY_PAGES.values()) if store.find_page(session, slug)}

    def link_for(entry: dict[str, Any]) -> dict[str, Any] | None:
        named = [ENTRY_PAGES.get(entry.get(key) or "") for key in ("title", "subtitle")]
        slug = next((page for page in named if page in pages), None)
        return {"kind": "page", "slug": slug} if slug else next(links, None)

    for block in _walk(config["blocks"]):
        settings = block["settings"]
        if block["type"] == "banner":
            taken: set[str] = set()
            for slide in settings.get("slides", []):
                if slide.get("image") is None:
                    key = banner_for(slide.get("title", ""), taken)
                    taken.add(key)
                    slide["image"] = _artwork(session, key)
                if slide.get("link") is None:
                    slide["link"] = next(links, None)
        elif block["type"] == "magic-cube":
            for cell in settings.get("cells", []):
                if cell.get("link") is None:
                    cell["link"] = link_for(cell)
        elif block["type"] == "icon-nav":
            for entry in settings.get("entries", []):
                if entry.get("link") is None:
                    entry["link"] = link_for(entry)
        elif block["type"] == "product-tabs" and groups:
            settings["tabs"] = [{"title": g.name[:8], "source": "group", "group_id": g.id,
                                 "tag": ""} for g in groups[:MAX_TABS]]
        elif (block["type"] == "product-grid" and settings.get("source") == "group"
              and not settings.get("group_id")):
            if groups:
                settings["group_id"] = groups[0].id
            else:
                settings["source"] = "best_selling"
    return config


def _walk(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        yield from _walk(block.get("blocks") or [])


def _group_links(groups: list[Any]) -> Iterator[dict[str, Any]]:
    """Links to the groups in turn, then to the category page."""
    for group in groups:
        yield {"kind": "group", "group_id": group.id}
    while True:
        yield {"kind": "page", "slug": "category"}


def _artwork(session: Session, key: str) -> dict[str, Any]:
    """A media reference to banner artwork, uploaded on first use (the library finds the same
    bytes again on later runs)."""
    result = upload(session, banner_png(key), f"banner-{key}.png", folder=MEDIA_FOLDER)
    return ref_for(result.asset)
