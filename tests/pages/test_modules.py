"""Module switches per shop, and the block palette that follows them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules import switches
from runtime.modules.models import ShopModule
from runtime.pages.palette import available_blocks
from tests.pages.conftest import in_shop


def palette_types(s, kind, regs, **kw):
    return [b["type"] for b in available_blocks(s, kind, registries=regs, **kw)]


def test_enable_disable_keeps_settings(app, shop, regs):
    with in_shop(app, shop) as s:
        assert not switches.is_enabled(s, "promo", regs.modules)
        assert switches.settings_of(s, "promo", regs.modules) == {"badge": "促销"}
        switches.enable(s, "promo", {"badge": "满减"}, modules=regs.modules)
        s.commit()
        assert switches.is_enabled(s, "promo", regs.modules)
        switches.disable(s, "promo", modules=regs.modules)
        s.commit()
        assert not switches.is_enabled(s, "promo", regs.modules)
        assert switches.settings_of(s, "promo", regs.modules) == {"badge": "满减"}
        switches.enable(s, "promo", modules=regs.modules)  # back on with the kept settings
        s.commit()
        state = switches.module_state(s, regs.modules)
        assert state.is_enabled("promo") and state.settings_of("promo") == {"badge": "满减"}


def test_settings_are_validated_with_pointers(app, shop, regs):
    with in_shop(app, shop) as s:
        with pytest.raises(ValidationFailed) as caught:
            switches.enable(s, "promo", {"badge": "一个太长太长的角标文字", "colour": 1},
                            modules=regs.modules)
        assert [e.pointer for e in caught.value.errors] == ["/settings/colour",
                                                            "/settings/badge"]
        assert s.scalars(select(ShopModule)).all() == []


def test_core_modules_are_always_on(app, shop, regs):
    core = sorted(regs.modules.core_ids)
    assert core, "the repository has core modules (catalog)"
    with in_shop(app, shop) as s:
        for module_id in core:
            assert switches.is_enabled(s, module_id, regs.modules)
        with pytest.raises(Conflict) as caught:
            switches.disable(s, core[0], modules=regs.modules)
        assert caught.value.code == "core_module"


def test_unknown_module_is_404(app, shop, regs):
    with in_shop(app, shop) as s, pytest.raises(NotFound):
        switches.enable(s, "no-such-module", modules=regs.modules)


def test_requires_chain(app, shop, regs):
    with in_shop(app, shop) as s:
        with pytest.raises(Conflict) as caught:
            switches.enable(s, "promo-plus", modules=regs.modules)
        assert caught.value.code == "module_requires"
        assert caught.value.extra == {"requires": ["promo"]}
        switches.enable(s, "promo", modules=regs.modules)
        switches.enable(s, "promo-plus", modules=regs.modules)
        s.commit()
        with pytest.raises(Conflict) as caught:
            switches.disable(s, "promo", modules=regs.modules)
        assert caught.value.code == "module_required_by"
        switches.disable(s, "promo-plus", modules=regs.modules)
        switches.disable(s, "promo", modules=regs.modules)
        s.commit()
        assert not switches.module_state(s, regs.modules).is_enabled("promo")


def test_switches_are_per_shop(app, factory, shop, regs):
    other = factory.shop(slug="beta")
    with in_shop(app, shop) as s:
        switches.enable(s, "promo", modules=regs.modules)
        s.commit()
    with in_shop(app, other) as s:
        assert not switches.is_enabled(s, "promo", regs.modules)
        assert s.scalars(select(ShopModule)).all() == []


def test_palette_follows_modules_and_page_kinds(app, shop, regs):
    with in_shop(app, shop) as s:
        home = palette_types(s, "home", regs)
        assert {"title", "rich-text", "spacer"} <= set(home)
        assert "test-promo" not in home
        switches.enable(s, "promo", modules=regs.modules)
        s.commit()
        assert "test-promo" in palette_types(s, "home", regs)
        assert "test-promo" not in palette_types(s, "cart", regs)  # page_kinds: home, custom
        assert palette_types(s, "home", regs, child_of="test-group") == ["test-data", "title"]
        entry = next(b for b in available_blocks(s, "home", registries=regs)
                     if b["type"] == "title")
        assert entry["defaults"] == regs.blocks["title"].defaults
        assert entry["version"] == 2 and entry["presets"]
        with pytest.raises(ValueError):
            available_blocks(s, "checkout", registries=regs)
