"""The shop's bottom tab bar: its schema and service, the layout's ``navigation`` section, the
H5 footer (only on the pages its items link to), cache invalidation on save, the editor's
endpoints, the cart badge's count endpoint, and another shop's bar kept apart."""

from __future__ import annotations

import re

import pytest

from runtime.errors import Conflict, ValidationFailed
from runtime.pages import navigation, schemas
from runtime.pages.navigation import DEFAULT_NAVIGATION
from tests.pages.conftest import block, in_shop, page_config


def _item(text, slug, **kw):
    return {"text": text, "icon": kw.pop("icon", "home"), "link": {"kind": "page", "slug": slug},
            **kw}


def _save(app, shop, config, revision=0):
    with in_shop(app, shop) as s:
        saved = navigation.save_navigation(s, config, revision)
        s.commit()
        return saved


def _tabs(html):
    bar = re.search(r'<nav class="mk-tabbar".*?</nav>', html, re.S)
    return bar.group(0) if bar else None


def test_a_new_shop_has_the_default_bar_in_every_layout(client, shop):
    layout = client.get("/api/v1/shops/alpha/layouts/home").json
    schemas.validator("layout").validate(layout)
    bar = layout["navigation"]
    assert [i["text"] for i in bar["items"]] == ["首页", "分类", "购物车", "我的"]
    assert [i["badge"] for i in bar["items"]] == ["none", "none", "cart", "none"]
    assert bar["items"][2]["link"] == {"kind": "page", "slug": "cart"}
    assert bar == {**DEFAULT_NAVIGATION}
    assert schemas.validate("navigation", DEFAULT_NAVIGATION) == []


def test_the_h5_footer_shows_on_the_bar_s_pages_only(client, shop, publish):
    html = client.get("/s/alpha/").get_data(as_text=True)
    tabs = _tabs(html)
    assert tabs is not None
    hrefs = re.findall(r'href="([^"]+)"', tabs)
    assert hrefs == ["/s/alpha/", "/s/alpha/pages/category", "/s/alpha/cart", "/s/alpha/pages/user"]
    assert 'aria-current="page"' in tabs.split("</a>")[0]
    assert "data-mk-cart-count" in tabs and "_shop-static/navbar.js" in html
    publish(shop, page_config(block("t", "title", title="活动"), kind="custom", title="活动"),
            slug="spring")
    assert _tabs(client.get("/s/alpha/pages/spring").get_data(as_text=True)) is None


def test_saving_the_bar_changes_every_layout_and_h5_page(app, client, shop, publish, factory):
    publish(shop, page_config(block("t", "title", title="活动"), kind="custom", title="活动"),
            slug="spring")
    before = client.get("/api/v1/shops/alpha/layouts/home")
    icon = factory.media_image(shop, 81, 81)
    config = {"color": "#333333", "selected_color": "#ff0000", "background": "#fafafa", "items": [
        _item("首页", "home"), _item("活动", "spring", icon="hot", image={"media_id": icon.id},
                                     selected_image={"url": "https://cdn.example.com/a.png"}),
        _item("购物车", "cart", icon="cart", badge="cart")]}
    bar, revision = _save(app, shop, config)
    assert revision == 1 and bar["items"][0]["badge"] == "none"

    after = client.get("/api/v1/shops/alpha/layouts/home",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    sent = after.json["navigation"]
    assert [i["text"] for i in sent["items"]] == ["首页", "活动", "购物车"]
    assert sent["items"][1]["image"]["media_id"] == icon.id
    assert sent["items"][1]["image"]["url"].startswith("/media/")
    assert sent["items"][1]["selected_image"]["url"] == "https://cdn.example.com/a.png"
    schemas.validator("layout").validate(after.json)

    tabs = _tabs(client.get("/s/alpha/pages/spring").get_data(as_text=True))
    assert tabs is not None and "活动" in tabs
    assert "--mk-tab-selected:#ff0000" in tabs
    current = next(a for a in tabs.split("</a>") if 'aria-current="page"' in a)
    assert "https://cdn.example.com/a.png" in current  # the selected icon on its own page
    assert _tabs(client.get("/s/alpha/pages/user").get_data(as_text=True)) is None


@pytest.mark.parametrize("config, pointer", [
    ({"items": [_item("首页", "home")]}, "/items"),
    ({"items": [_item(str(i), "home") for i in range(6)]}, "/items"),
    ({"items": [_item("首页", "home"), {**_item("x", "home"), "link": None}]}, "/items/1/link"),
    ({"items": [_item("七个字的导航项", "home"), _item("b", "home")]}, "/items/0/text"),
    ({"items": [_item("a", "home", icon="rocket"), _item("b", "home")]}, "/items/0/icon"),
    ({"items": [_item("a", "home", badge="count"), _item("b", "home")]}, "/items/0/badge"),
    ({"items": [_item("a", "home"), _item("b", "home")], "color": "red"}, "/color"),
    ({"items": [_item("a", "home"), _item("b", "home")], "extra": 1}, "/extra"),
    ({"items": [_item("a", "home", image={"media_id": 999999}), _item("b", "home")]},
     "/items/0/image/media_id"),
])
def test_a_bad_bar_is_refused_naming_the_field(app, shop, config, pointer):
    with pytest.raises(ValidationFailed) as failed:
        _save(app, shop, config)
    assert pointer in [e.pointer for e in failed.value.errors]


def test_a_stale_revision_is_a_conflict(app, shop):
    config = {"items": [_item("a", "home"), _item("b", "user")]}
    _save(app, shop, config, 0)
    with pytest.raises(Conflict) as conflict:
        _save(app, shop, config, 0)
    assert conflict.value.code == "navigation_conflict"
    assert _save(app, shop, config, 1)[1] == 2


def test_the_bar_of_another_shop_is_its_own(app, client, factory, shop):
    other = factory.shop(slug="beta", name="Beta")
    _save(app, shop, {"items": [_item("甲", "home"), _item("乙", "user")]})
    assert [i["text"] for i in client.get("/api/v1/shops/beta/layouts/home")
            .json["navigation"]["items"]] == ["首页", "分类", "购物车", "我的"]
    with in_shop(app, other) as s:
        assert navigation.navigation_of(s) == (DEFAULT_NAVIGATION, 0)
        navigation.save_navigation(s, {"items": [_item("丙", "home"), _item("丁", "cart")]}, 0)
        s.commit()
    assert [i["text"] for i in client.get("/api/v1/shops/alpha/layouts/home")
            .json["navigation"]["items"]] == ["甲", "乙"]


def test_the_editor_endpoints_load_and_save_the_bar(app, client, factory, shop):
    token = factory.console_login(client, factory.merchant(shop))
    url = "/console/shops/alpha/editor/navigation"
    state = client.get(url).json
    assert state == {"navigation": DEFAULT_NAVIGATION, "revision": 0}
    bad = client.put(url, json={"navigation": {"items": []}, "revision": 0},
                     headers={"X-CSRF-Token": token})
    assert bad.status_code == 422
    assert bad.json["errors"][0]["pointer"] == "/items"
    good = client.put(url, json={"navigation": {"items": [_item("首页", "home"),
                                                           _item("我的", "user")]},
                                 "revision": 0}, headers={"X-CSRF-Token": token})
    assert good.status_code == 200 and good.json["revision"] == 1
    stale = client.put(url, json={"navigation": good.json["navigation"], "revision": 0},
                       headers={"X-CSRF-Token": token})
    assert stale.status_code == 409 and stale.json["code"] == "navigation_conflict"
    screen = client.get("/console/shops/alpha/navigation")
    assert screen.status_code == 200 and "底部导航" in screen.get_data(as_text=True)
