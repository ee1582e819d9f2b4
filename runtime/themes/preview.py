"""Previews of a theme: its presets on fixture data (what an agency sees, never a shop's data)
and a shop's own published page in a theme it has not switched to (the gallery)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.pages import tree
from runtime.pages.interpreter import Rendered, ShopInfo, render_html
from runtime.pages.registries import Registries
from runtime.themes import fixtures
from runtime.themes.models import ShopTheme
from runtime.themes.registry import Theme
from runtime.themes.service import ActiveTheme


def fixture_page(registries: Registries, theme: Theme, kind: str,
                 stylesheet_url: str) -> str:
    """The theme's preset for ``kind`` as H5, every block fed fixture data."""
    preset = theme.preset(kind)
    visibility = tree.Visibility(frozenset(m.id for m in registries.modules), None, kind)
    instances = tree.visible_instances(preset, registries.blocks, visibility)
    data = {i.id: fixtures.block_data(i.type) for i in tree.walk(instances)}
    nodes = tree.build_nodes(instances, registries.blocks, data, expand_image=_no_image)
    page = {**fixtures.page(kind), "title": preset.get("title", ""),
            "background": preset.get("background", "")}
    rendered = Rendered(page, ActiveTheme(theme, theme.effective_tokens(None), 0), nodes.nodes)
    shop = ShopInfo(0, fixtures.SHOP["slug"], fixtures.SHOP["name"])
    return render_html(rendered, registries, shop, stylesheet_url)


def _no_image(ref: dict[str, Any]) -> dict[str, Any]:
    """Fixture pages show only images given by URL (a preset's media ids are nobody's)."""
    url = ref.get("url")
    return {"url": url if isinstance(url, str) else None, "sizes": {}, "alt": ref.get("alt", "")}


def as_candidate(session: Session, theme: Theme) -> ActiveTheme:
    """``theme`` as it would look in the current shop: with the tokens it keeps for it."""
    row = session.scalar(select(ShopTheme).where(ShopTheme.theme_id == theme.id))
    return ActiveTheme(theme, theme.effective_tokens(row.tokens if row else None), -1)
