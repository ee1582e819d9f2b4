"""The demo home page seeder: the theme preset filled with artwork and the shop's real groups,
published once; re-running changes nothing; a page the merchant changed is left alone."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.blocklib.demo import seed_demo_home
from runtime.media.models import MediaAsset
from runtime.pages import store
from runtime.pages.models import PageVersion
from tests.blocks.conftest import block, ids_in_html, in_shop, page_config


def versions(app, shop) -> int:
    with in_shop(app, shop) as s:
        return s.scalar(select(func.count()).select_from(PageVersion))


def test_seeder_runs_after_the_catalog_seeder(app):
    names = list(app.extensions["mallkit"].modules.seeders)
    assert "home-page" in names
    assert all(names.index(n) < names.index("home-page") for n in names if "catalog" in n)


def test_demo_home_uses_real_groups_and_artwork(app, client, shop, catalog, regs):
    with in_shop(app, shop) as s:
        assert seed_demo_home(s, shop) is True
        s.commit()
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    preset = regs.themes["default"].presets["home"]
    assert [n["id"] for n in layout["nodes"]] == [b["id"] for b in preset["blocks"]]
    assert layout["page"]["version"] == 2

    nodes = {n["type"]: n for n in layout["nodes"]}
    slides = nodes["banner"]["props"]["slides"]
    assert all(slide["image"]["url"].startswith("/media/") for slide in slides)
    assert all(slide["image"]["sizes"] for slide in slides)
    assert slides[0]["link"] == {"kind": "group", "group_id": catalog.groups["manual"]}
    tabs = nodes["product-tabs"]
    assert {t["group_id"] for t in tabs["props"]["tabs"]} == set(catalog.groups.values())
    assert all(t["products"] for t in tabs["data"]["tabs"])
    assert nodes["product-grid"]["data"]["products"]

    html = client.get("/s/alpha/").get_data(as_text=True)
    assert ids_in_html(html) == [n["id"] for n in layout["nodes"]]
    assert "春夏新品上市" in html and "¥" in html and "店长推荐" in html


def test_seeding_twice_changes_nothing(app, shop, catalog):
    for expected in (True, False):
        with in_shop(app, shop) as s:
            assert seed_demo_home(s, shop) is expected
            s.commit()
    assert versions(app, shop) == 2
    with in_shop(app, shop) as s:
        assert s.scalar(select(func.count()).select_from(MediaAsset)
                        .where(MediaAsset.folder == "首页装修")) == 3


def test_a_page_the_merchant_changed_is_left_alone(app, shop, catalog, publish):
    publish(shop, page_config(block("mine", "title", title="我自己的首页")))
    before = versions(app, shop)
    with in_shop(app, shop) as s:
        assert seed_demo_home(s, shop) is False
        s.commit()
        live = store.live_config(s, "home")
        assert live is not None and live[1].config["blocks"][0]["id"] == "mine"
    assert versions(app, shop) == before


def test_without_groups_the_tabs_keep_the_preset_sources(app, client, shop, factory):
    factory.product(shop, "唯一的商品", price_fen=990)
    with in_shop(app, shop) as s:
        assert seed_demo_home(s, shop) is True
        s.commit()
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    tabs = next(n for n in layout["nodes"] if n["type"] == "product-tabs")
    assert [t["source"] for t in tabs["props"]["tabs"]] == ["newest", "best_selling"]
    banner = next(n for n in layout["nodes"] if n["type"] == "banner")
    assert {s["link"]["slug"] for s in banner["props"]["slides"]} == {"category"}
    assert "唯一的商品" in client.get("/s/alpha/").get_data(as_text=True)
