"""Per-shop themes: install, switch, token settings validated and kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.errors import NotFound, ValidationFailed
from runtime.themes import service as themes
from runtime.themes.models import ShopTheme
from tests.pages.conftest import in_shop


def test_default_theme_without_any_install(app, shop, regs):
    with in_shop(app, shop) as s:
        active = themes.active_theme(s, regs.themes)
        assert active.theme.id == "default" and active.revision == 0
        assert active.tokens == regs.themes["default"].defaults
        assert s.scalars(select(ShopTheme)).all() == []


def test_tokens_are_validated_with_pointers(app, shop, regs):
    with in_shop(app, shop) as s:
        with pytest.raises(ValidationFailed) as caught:
            themes.update_tokens(s, {"color_primary": "red", "radius": 99, "shadow": 1},
                                 regs.themes)
        assert [e.pointer for e in caught.value.errors] == [
            "/tokens/shadow", "/tokens/color_primary", "/tokens/radius"]
        assert s.scalars(select(ShopTheme)).all() == []


def test_switching_themes_keeps_each_themes_tokens(app, shop, regs):
    with in_shop(app, shop) as s:
        themes.update_tokens(s, {"color_primary": "#07c160", "radius": 0}, regs.themes)
        s.commit()
        assert themes.active_theme(s, regs.themes).tokens["radius"] == 0
        themes.activate_theme(s, "second", regs.themes)
        s.commit()
        second = themes.active_theme(s, regs.themes)
        assert second.theme.id == "second" and second.tokens == {"color_primary": "#1989fa"}
        themes.activate_theme(s, "default", regs.themes)
        s.commit()
        back = themes.active_theme(s, regs.themes)
        assert back.tokens["color_primary"] == "#07c160" and back.tokens["radius"] == 0
        rows = {r.theme_id: r.active for r in themes.installed_themes(s)}
        assert rows == {"default": True, "second": False}
        with pytest.raises(NotFound):
            themes.activate_theme(s, "no-such-theme", regs.themes)


def test_themes_are_per_shop(app, factory, shop, regs):
    other = factory.shop(slug="beta")
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "second", regs.themes)
        s.commit()
    with in_shop(app, other) as s:
        assert themes.active_theme(s, regs.themes).theme.id == "default"
        assert themes.installed_themes(s) == []
