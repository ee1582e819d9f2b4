"""The block library as a whole: every block (parametrised over the registry, so a new block is
covered without touching this file) renders in H5 and in the layout with its defaults and with
each preset, on a shop with a real catalog; the H5 page and the layout list the same blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runtime.modules import switches
from runtime.pages import schemas
from runtime.pages.palette import available_blocks
from runtime.pages.registries import default_registries
from runtime.pages.render import make_environment, render_bounded
from tests.blocks.conftest import (
    block,
    ids_in_html,
    ids_in_layout,
    in_shop,
    page_config,
)
from tests.page_helpers import page_query

REGISTRY = default_registries()
ALL_TYPES = [b.type for b in REGISTRY.blocks]
MODULES = {m.id for m in REGISTRY.modules}


def instances(block_type: str) -> list[dict]:
    """An instance with the defaults, then one per preset."""
    found = REGISTRY.blocks[block_type]
    out = [block(f"{block_type}-default", block_type)]
    out += [block(f"{block_type}-preset-{i}", block_type, **preset["settings"])
            for i, preset in enumerate(found.presets)]
    return out


def test_the_library_has_at_least_eighteen_blocks_with_chinese_and_english_names():
    assert len(ALL_TYPES) >= 18
    assert {"search-bar", "banner", "image-ad", "magic-cube", "icon-nav", "notice-bar", "title",
            "rich-text", "spacer", "divider", "product-grid", "product-tabs", "store-info",
            "video", "image-text", "service-button", "follow-account",
            "coupon-strip"} <= set(ALL_TYPES)
    for found in REGISTRY.blocks:
        assert set(found.name) >= {"zh-CN", "en"}, found.type
        assert re.search(r"[\u4e00-\u9fff]", found.name["zh-CN"]), found.type
        assert found.presets, f"{found.type} has no presets"
        for name, prop in found.manifest["settings"]["properties"].items():
            assert "x-ui" in prop and "x-label" in prop, f"{found.type}.{name}"
        source = found.template_path.read_text(encoding="utf-8")
        assert source.startswith("{#"), f"{found.type}: template opens with a comment"
        assert "Context:" in source.split("#}")[0], found.type
        assert 'id="b-{{ block.id }}"' in source or 'id="{{ root }}"' in source, found.type


@pytest.mark.parametrize("block_type", ALL_TYPES)
def test_every_block_renders_with_defaults_and_presets(client, app, shop, catalog, publish, regs,
                                                       block_type):
    found = regs.blocks[block_type]
    for module_id in found.requires:
        if module_id in regs.modules:
            with in_shop(app, shop) as s:
                switches.enable(s, module_id, modules=regs.modules)
                s.commit()
    shown = all(m in regs.modules for m in found.requires)
    kind = "custom" if "custom" in found.page_kinds else found.page_kinds[0]
    slug = "test" if kind == "custom" else kind  # a fixed kind has its one page
    # the page's fixed blocks (the product page's buy box) stand first and are not compared
    fixed = [block(f"fixed-{b.type}", b.type) for b in regs.blocks
             if b.fixed and kind in b.page_kinds and b.type != block_type]
    every = instances(block_type)
    per_page = found.limit or len(every)
    query = page_query(app, shop, kind)  # the article page shows an article
    for first in range(0, len(every), per_page):
        chunk = every[first:first + per_page]
        publish(shop, page_config(*fixed, *chunk, kind=kind, title="测试"), slug=slug)
        expected = [i["id"] for i in chunk] if shown else []

        response = client.get(f"/api/v1/shops/alpha/layouts/{slug}{query}")
        assert response.status_code == 200
        schemas.validator("layout").validate(response.json)
        nodes = [n for n in response.json["nodes"] if not n["id"].startswith("fixed-")]
        assert ids_in_layout(nodes) == expected
        for node in nodes:
            assert node["type"] == block_type and node["v"] == found.version
            assert set(node["props"]) == set(found.defaults)

        html = client.get(f"/s/alpha/pages/{slug}{query}")
        assert html.status_code == 200
        text = html.get_data(as_text=True)
        assert [i for i in ids_in_html(text) if not i.startswith("fixed-")] == expected
        for block_id in expected:
            body = text.split(f'data-block-id="{block_id}"', 1)[1].split('class="mk-block"')[0]
            assert f'id="b-{block_id}"' in body, f"{block_id}: scoped by its id"


def test_h5_and_layout_list_the_same_blocks_in_the_same_order(client, app, shop, catalog,
                                                              publish, regs):
    with in_shop(app, shop) as s:
        for module_id in sorted({m for b in regs.blocks for m in b.requires} & MODULES):
            switches.enable(s, module_id, modules=regs.modules)
        s.commit()
    on_home = [t for t in ALL_TYPES if "home" in REGISTRY.blocks[t].page_kinds]
    config = page_config(*(instances(t)[0] for t in on_home),
                         {**block("gone", "title", title="藏起来"), "hidden": True})
    publish(shop, config)
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    html = client.get("/s/alpha/").get_data(as_text=True)
    shown = [t for t in on_home if all(m in MODULES for m in REGISTRY.blocks[t].requires)]
    assert ids_in_layout(layout["nodes"]) == [f"{t}-default" for t in shown]
    assert ids_in_html(html) == ids_in_layout(layout["nodes"])
    assert "藏起来" not in html


def test_a_block_needing_a_module_that_is_off_is_not_offered(app, shop):
    coupons = REGISTRY.blocks["coupon-strip"]
    assert coupons.requires == ("coupons",) and "coupons" in MODULES
    with in_shop(app, shop) as s:
        offered = {b["type"] for b in available_blocks(s, "home", registries=REGISTRY)}
    assert "coupon-strip" not in offered
    assert {"banner", "product-grid", "magic-cube"} <= offered


def test_coupon_strip_template_draws_the_coupons_module_data():
    """What the strip shows once the coupons module feeds it (the data shape in its template
    comment); an empty hidden section without coupons."""
    path = Path(REGISTRY.blocks["coupon-strip"].template_path)
    env = make_environment({"block/coupon-strip": path})
    settings = REGISTRY.blocks["coupon-strip"].default_settings()
    context = {"block": {"id": "c1", "type": "coupon-strip", "v": 1, "settings": settings},
               "shop": {"slug": "alpha", "name": "Alpha"}, "page": {}, "theme": {},
               "children": ""}
    coupons = [{"id": 1, "title": "新人券", "kind": "amount", "value_fen": 1000,
                "threshold_fen": 9900, "valid_text": "7 天内有效", "claimed": False},
               {"id": 2, "title": "会员折扣", "kind": "discount", "discount_percent": 85,
                "threshold_fen": 0, "valid_text": "", "claimed": True}]
    html = render_bounded(env, "block/coupon-strip", {**context, "data": {"coupons": coupons}})
    assert "<small>¥</small>10" in html and "满 99.00 可用" in html
    assert "8.5<small>折</small>" in html and "无门槛" in html and "已领取" in html
    empty = render_bounded(env, "block/coupon-strip", {**context, "data": None})
    assert "hidden" in empty and "mk-coupon" in empty and "领取" not in empty
