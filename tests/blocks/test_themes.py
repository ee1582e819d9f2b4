"""The two bundled themes: the fresh theme is a complete package with its own look, and
switching a shop's theme changes its H5 pages, its layouts' theme and their ETags."""

from __future__ import annotations

from runtime.pages.registries import default_registries
from runtime.themes import service as themes
from tests.blocks.conftest import block, ids_in_html, ids_in_layout, in_shop, page_config

OPTIONAL = {m.id for m in default_registries().modules if not m.core}  # off in a new shop

REGISTRY = default_registries()


def test_fresh_is_a_complete_theme_with_its_own_look():
    default, fresh = REGISTRY.themes["default"], REGISTRY.themes["fresh"]
    assert set(fresh.presets) == {"home", "category", "product", "cart", "user", "custom"}
    assert fresh.page_template is not None and fresh.stylesheet == "assets/theme.css"
    assert {"product-grid", "title", "notice-bar"} <= set(fresh.block_templates)
    assert fresh.defaults["color_primary"] != default.defaults["color_primary"]
    assert fresh.defaults["radius"] > default.defaults["radius"]
    assert "delivery_note" in fresh.defaults and "delivery_note" not in default.defaults


def test_switching_the_theme_changes_the_h5_page_and_its_etag(app, client, shop, catalog,
                                                              publish, regs):
    publish(shop, page_config(block("t", "title", title="今日推荐"),
                              block("g", "product-grid", source="newest", limit=2),
                              block("n", "notice-bar", text="坏果包赔")))
    before = client.get("/s/alpha/")
    old = before.get_data(as_text=True)
    layout_before = client.get("/api/v1/shops/alpha/layouts/home")
    assert "/themes/default/1.0.0/theme.css" in old and "mk-tabbar" in old
    assert 'class="mk-card"' in old and "fresh-card" not in old

    with in_shop(app, shop) as s:
        themes.activate_theme(s, "fresh", regs.themes)
        s.commit()
    after = client.get("/s/alpha/", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    new = after.get_data(as_text=True)
    assert "/themes/fresh/1.0.0/theme.css" in new and "fresh-tabbar" in new
    assert 'class="fresh-card"' in new and "fresh-title__leaf" in new and "快讯" in new
    assert "今日 22:00 前下单，明早 8 点前送达" in new
    assert ids_in_html(new) == ids_in_html(old) == ["t", "g", "n"]
    assert client.get("/themes/fresh/1.0.0/theme.css").status_code == 200

    layout = client.get("/api/v1/shops/alpha/layouts/home",
                        headers={"If-None-Match": layout_before.headers["ETag"]})
    assert layout.status_code == 200
    assert layout.json["theme"]["id"] == "fresh"
    assert layout.json["theme"]["tokens"]["color_primary"] == "#00b35f"
    assert layout.json["nodes"] == layout_before.json["nodes"]  # same blocks, new look

    with in_shop(app, shop) as s:
        themes.update_tokens(s, {"delivery_note": "下单后 30 分钟送达"}, regs.themes)
        s.commit()
    retoken = client.get("/s/alpha/", headers={"If-None-Match": after.headers["ETag"]})
    assert retoken.status_code == 200 and "下单后 30 分钟送达" in retoken.get_data(as_text=True)


def test_a_new_shop_on_the_fresh_theme_starts_from_its_presets(app, client, shop, catalog, regs):
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "fresh", regs.themes)
        s.commit()
    for kind in ("home", "category", "product", "cart", "user"):
        layout = client.get(f"/api/v1/shops/alpha/layouts/{kind}").json
        preset = regs.themes["fresh"].presets[kind]
        on = [b for b in preset["blocks"]  # a block whose module is off is not sent
              if all(m not in OPTIONAL for m in regs.blocks[b["type"]].requires)]
        assert ids_in_layout(layout["nodes"]) == [b["id"] for b in on], kind
        url = "/s/alpha/" if kind == "home" else f"/s/alpha/pages/{kind}"
        assert ids_in_html(client.get(url).get_data(as_text=True)) == \
            ids_in_layout(layout["nodes"]), kind
