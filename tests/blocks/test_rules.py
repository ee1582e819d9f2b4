"""Settings rules of the block library: hot zones inside their image, magic-cube cell counts,
rich text cleaned, links as H5 URLs in the page and as structured objects in the layout."""

from __future__ import annotations

import pytest

from runtime.errors import ValidationFailed
from runtime.pages import store
from runtime.wechat.guard import BANNER as SIMULATOR_BANNER
from tests.blocks.conftest import block, in_shop, page_config


def save(app, shop, regs, config):
    with in_shop(app, shop) as s:
        page = store.ensure_page(s, "home", regs)
        saved = store.save_draft(s, "home", config, page.draft_revision, regs)
        s.commit()
        return saved


def refused(app, shop, regs, config) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        save(app, shop, regs, config)
    problem = caught.value.to_problem()
    assert problem["status"] == 422
    return {e["pointer"]: e["message"] for e in problem["errors"]}


def zone(x, y, w, h, **extra):
    return {"x": x, "y": y, "w": w, "h": h, "link": None, "label": "", **extra}


def test_hot_zones_must_lie_inside_the_image(app, shop, regs):
    errors = refused(app, shop, regs, page_config(
        block("ok", "image-ad", zones=[zone(0, 0, 50, 100), zone(50, 0, 50, 100)]),
        block("ad", "image-ad", zones=[zone(0, 0, 50, 50), zone(80, 10, 30, 20),
                                       zone(10, 70, 20, 40), zone(120, 0, 10, 10),
                                       zone(5, 5, 0, 10)])))
    assert errors.keys() == {"/blocks/1/settings/zones/3/x", "/blocks/1/settings/zones/4/w"}
    # Once the ranges are right, the rule that a zone stays inside the image applies.
    errors = refused(app, shop, regs, page_config(
        block("ad", "image-ad", zones=[zone(0, 0, 50, 50), zone(80, 10, 30, 20),
                                       zone(10, 70, 20, 40), zone(66.7, 0, 33.3, 100)])))
    assert errors == {
        "/blocks/0/settings/zones/1/w": "the zone reaches past the right edge: x + w = 110% "
                                        "(at most 100%)",
        "/blocks/0/settings/zones/2/h": "the zone reaches past the bottom edge: y + h = 110% "
                                        "(at most 100%)",
    }


def test_magic_cube_cells_must_match_the_layout(app, shop, regs):
    cell = {"image": None, "link": None, "title": "格子", "subtitle": ""}
    errors = refused(app, shop, regs, page_config(
        block("a", "magic-cube", layout="2-2", cells=[cell] * 3),
        block("b", "magic-cube", layout="1-2", cells=[cell] * 2),
        block("c", "magic-cube", layout="1l-3r", cells=[cell] * 2),
        block("d", "magic-cube", layout="3-3", cells=[cell] * 2)))
    assert errors["/blocks/0/settings/cells"] == "layout '2-2' needs exactly 4 cells (3 given)"
    assert errors["/blocks/2/settings/cells"] == "layout '1l-3r' needs exactly 4 cells " \
                                                 "(2 given)"
    assert "/blocks/3/settings/layout" in errors
    assert not any(p.startswith("/blocks/1/") for p in errors)
    for layout, count in (("1-3", 3), ("1-4", 4), ("1t-2b", 3), ("1l-2r", 3)):
        save(app, shop, regs, page_config(block("x", "magic-cube", layout=layout,
                                                cells=[cell] * count)))


def test_rich_text_is_cleaned_in_h5_and_layout(client, shop, publish):
    dirty = ('<p onclick="steal()">你好<script>alert(1)</script><a href="javascript:alert(2)">'
             '链接</a><img src="x" onerror="alert(3)"><span style="color:red;position:fixed">'
             '红</span></p>')
    publish(shop, page_config(block("rt", "rich-text", content=dirty),
                              block("it", "image-text", title="<b>标题</b>",
                                    text="<script>alert(4)</script>")))
    node = client.get("/api/v1/shops/alpha/layouts/home").json["nodes"][0]
    page_html = client.get("/s/alpha/").get_data(as_text=True).replace(SIMULATOR_BANNER, "")
    for html in (node["props"]["content"], page_html):
        assert "<script>alert" not in html and "onclick" not in html and "onerror" not in html
        assert "javascript:" not in html and "position:fixed" not in html
        assert "你好" in html and "color:red" in html
    page = client.get("/s/alpha/").get_data(as_text=True)
    assert "&lt;b&gt;标题&lt;/b&gt;" in page and "&lt;script&gt;alert(4)" in page


def test_links_are_h5_urls_in_the_page_and_objects_in_the_layout(client, shop, publish):
    links = [{"kind": "page", "slug": "summer"}, {"kind": "product", "product_id": 7},
             {"kind": "group", "group_id": 3}, {"kind": "url", "url": "https://example.com/a"},
             {"kind": "miniprogram", "path": "pages/vip/index"}]
    slides = [{"image": None, "link": link, "title": f"第{i}张", "subtitle": ""}
              for i, link in enumerate(links)]
    zones = [zone(i * 20, 0, 20, 100, link=link) for i, link in enumerate(links)]
    publish(shop, page_config(block("hero", "banner", slides=slides),
                              block("ad", "image-ad", zones=zones)))
    nodes = client.get("/api/v1/shops/alpha/layouts/home").json["nodes"]
    assert [s["link"] for s in nodes[0]["props"]["slides"]] == links
    assert [z["link"] for z in nodes[1]["props"]["zones"]] == links
    html = client.get("/s/alpha/").get_data(as_text=True)
    for href in ("/s/alpha/pages/summer", "/s/alpha/pages/product?id=7",
                 "/s/alpha/pages/category?group=3", "https://example.com/a"):
        assert html.count(f'href="{href}"') == 2, href
    # A mini-program path has no H5 URL: that slide is not a link, that zone is not drawn.
    assert "pages/vip/index" not in html
    assert html.count('class="mk-image-ad__zone"') == 4


def test_banner_works_without_javascript(client, shop, publish):
    """Every slide is in the markup, in a scroll-snap track a finger can swipe; the script
    only adds autoplay."""
    publish(shop, page_config(block("hero", "banner", interval=6)))
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert html.count('class="mk-banner__slide"') == 2
    assert "scroll-snap-type:x mandatory" in html
    assert 'data-autoplay="1" data-interval="6"' in html


def test_store_info_map_and_call_links(client, shop, publish):
    publish(shop, page_config(
        block("flagship", "store-info", name="旗舰店", address="上海市静安区南京西路 1266 号",
              phone="021-6288 1234", latitude=31.2304, longitude=121.4496),
        block("plain", "store-info", address="杭州市西湖区文三路 1 号")))
    nodes = client.get("/api/v1/shops/alpha/layouts/home").json["nodes"]
    assert nodes[0]["data"]["tel"] == "tel:02162881234"
    assert nodes[0]["data"]["location"] == {"latitude": 31.2304, "longitude": 121.4496,
                                            "name": "旗舰店",
                                            "address": "上海市静安区南京西路 1266 号"}
    assert nodes[0]["data"]["map_url"].startswith(
        "https://uri.amap.com/marker?position=121.4496%2C31.2304&name=")
    assert nodes[1]["data"]["name"] == "Alpha 商店" and nodes[1]["data"]["tel"] is None
    assert nodes[1]["data"]["map_url"].startswith("https://uri.amap.com/search?keyword=")
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert 'href="tel:02162881234"' in html and "营业时间 09:00 - 21:00" in html
    assert html.count('href="https://uri.amap.com/') == 2


def test_the_editor_autosave_answers_422_with_pointers(client, factory, shop):
    """The same rules through the console's draft autosave: problem+json naming each field."""
    token = factory.console_login(client, factory.merchant(shop))
    state = client.get("/console/shops/alpha/editor/pages/home")
    assert state.status_code == 200
    config = page_config(block("ad", "image-ad", zones=[zone(70, 0, 40, 100)]),
                         block("cube", "magic-cube", layout="2-2"))
    response = client.put("/console/shops/alpha/editor/pages/home/draft",
                          json={"config": config, "revision": state.json["revision"]},
                          headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["pointer"] for e in response.json["errors"]] == [
        "/blocks/0/settings/zones/0/w", "/blocks/1/settings/cells"]
