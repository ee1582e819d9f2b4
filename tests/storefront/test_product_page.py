"""The product page kind: the fixed buy box (product-buybox) with the merchant's blocks around
it, its data, and the draft rules that keep it."""

from __future__ import annotations

import pytest

from runtime.errors import ValidationFailed
from runtime.pages import store
from runtime.pages.registries import default_registries
from runtime.pages.validation import check_page
from tests.page_helpers import block, ids_in_html, page_config

SPECS = [{"name": "颜色", "values": ["红", "蓝"]}]
SKUS = [{"spec_values": ["红"], "price_fen": 1990, "stock": 2},
        {"spec_values": ["蓝"], "price_fen": 2590, "original_price_fen": 3990, "stock": 0}]


def product_page(*blocks):
    return page_config(*blocks, kind="product", title="商品详情")


def test_the_buy_box_sits_among_the_merchants_blocks(client, factory, shop):
    product = factory.product(shop, "亚麻围巾", specs=SPECS, skus=SKUS, limit_per_order=2,
                              description_html="<p>手工织造</p><script>x()</script>")
    factory.publish_page(shop, product_page(block("top", "title", title="上面"),
                                            block("box", "product-buybox"),
                                            block("below", "title", title="下面")), "product")
    layout = client.get(f"/api/v1/shops/alpha/layouts/product?id={product.id}").json
    assert [n["id"] for n in layout["nodes"]] == ["top", "box", "below"]
    data = layout["nodes"][1]["data"]["product"]
    assert (data["id"], data["price_fen"], data["max_price_fen"], data["stock"]) == (
        product.id, 1990, 2590, 2)
    assert [s["spec_values"] for s in data["skus"]] == [["红"], ["蓝"]]

    html = client.get(f"/s/alpha/pages/product?id={product.id}").get_data(as_text=True)
    assert ids_in_html(html) == ["top", "box", "below"]
    assert f'data-mk-buybox="{product.id}"' in html and "每单限购 2 件" in html
    assert "19.90 起" in html and "请选择 颜色" in html and "库存 2 件" in html
    assert "手工织造" in html and "x()" not in html
    assert "_shop-static/storefront.js" in html


def test_an_unknown_or_hidden_product_shows_a_notice(client, factory, shop):
    gone = factory.product(shop, "下架商品", status="off_shelf")
    for query in (f"?id={gone.id}", "?id=999999", ""):
        html = client.get(f"/s/alpha/pages/product{query}").get_data(as_text=True)
        assert "商品不存在或已下架" in html and "data-mk-buybox" not in html


def test_a_product_page_saved_before_the_buy_box_shows_it_first(app, client, factory, shop):
    """Stored product pages without the block (older themes) still sell."""
    product = factory.product(shop, "旧页面商品")
    with app.app_context():
        from runtime.db import use_shop

        with factory._session() as s:
            use_shop(s, shop.id)
            page = store.ensure_page(s, "product")
            config = product_page(block("note", "title", title="说明"))
            version = store._publish_config(s, page, config, source="test", note="old")
            s.commit()
            assert version.number == 2
    nodes = client.get(f"/api/v1/shops/alpha/layouts/product?id={product.id}").json["nodes"]
    assert [(n["id"], n["type"]) for n in nodes] == [("product-buybox", "product-buybox"),
                                                     ("note", "title")]


@pytest.mark.parametrize("blocks, pointer", [
    ([block("t", "title")], "/blocks"),
    ([{**block("box", "product-buybox"), "hidden": True}], "/blocks/0/hidden"),
    ([block("a", "product-buybox"), block("b", "product-buybox")], "/blocks/1"),
])
def test_a_draft_keeps_its_one_shown_buy_box(blocks, pointer):
    _config, errors = check_page(product_page(*blocks), default_registries().blocks, "product")
    assert pointer in [e.pointer for e in errors]


def test_the_buy_box_is_only_for_product_pages(factory, shop):
    with pytest.raises(ValidationFailed) as exc:
        factory.publish_page(shop, page_config(block("box", "product-buybox"), kind="custom",
                                               title="活动"), "spring")
    assert exc.value.errors[0].pointer == "/blocks/0/type"


def test_the_palette_marks_the_buy_box_fixed(app, factory, shop):
    from runtime.db import use_shop
    from runtime.pages.palette import available_blocks

    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        product = {b["type"]: b for b in available_blocks(s, "product")}
        custom = {b["type"] for b in available_blocks(s, "custom")}
    assert product["product-buybox"]["fixed"] is True and product["product-buybox"]["limit"] == 1
    assert product["title"]["fixed"] is False and "product-buybox" not in custom


def test_theme_previews_show_a_sample_buy_box():
    """Agencies preview the product page with the sample product, never a shop's."""
    from runtime.themes.preview import fixture_page

    regs = default_registries()
    html = fixture_page(regs, regs.themes.default, "product", "/theme.css")
    assert 'data-mk-buybox="2"' in html and "土鸡蛋 10 枚" in html and "请选择 规格" in html


def test_the_see_also_grid_never_lists_the_product_being_viewed(client, factory, shop):
    """看了又看 (a context grid on the product page) shows the newest other products, still as
    many as its limit."""
    older = [factory.product(shop, f"商品{i}") for i in range(3)]
    viewed = factory.product(shop, "正在看的商品")  # the newest of all
    factory.publish_page(shop, product_page(
        block("box", "product-buybox"),
        block("also", "product-grid", source="context", limit=2)), "product")
    nodes = client.get(f"/api/v1/shops/alpha/layouts/product?id={viewed.id}").json["nodes"]
    shown = [p["id"] for p in nodes[1]["data"]["products"]]
    assert shown == [older[2].id, older[1].id]
    other = client.get(f"/api/v1/shops/alpha/layouts/product?id={older[0].id}").json["nodes"]
    assert [p["id"] for p in other[1]["data"]["products"]] == [viewed.id, older[2].id]
