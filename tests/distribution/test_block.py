"""The distribution-centre block: in the layout and on H5 with the shop's rules only (the
member's centre is fetched client-side), gone when the module is off, back when on; every
H5 page frame loads referral.js, which binds a share link's ``from`` after login."""

from __future__ import annotations

from tests.distribution.flow import switch_on
from tests.page_helpers import block, ids_in_html, ids_in_layout, page_config


def _page(factory, shop):
    factory.publish_page(shop, page_config(
        block("t", "title", title="欢迎"),
        block("dc", "distribution-centre", title="赚佣金", apply_text="我要分销")))


def test_the_block_is_in_the_layout_and_on_h5_only_while_the_module_is_on(client, factory,
                                                                          shop):
    _page(factory, shop)
    layout = f"/api/v1/shops/{shop.slug}/layouts/home"
    assert ids_in_layout(client.get(layout).json["nodes"]) == ["t"]
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert ids_in_html(html) == ["t"] and "mk-dist" not in html
    assert f"/s/{shop.slug}/_shop-static/referral.js" in html

    switch_on(factory, shop, level1_rate=12.5, level2_rate=0, enrolment="threshold",
              threshold_fen=9900, withdraw_min_fen=500)
    node = client.get(layout).json["nodes"][1]
    assert (node["id"], node["type"]) == ("dc", "distribution-centre")
    assert node["data"] == {"api": f"/api/v1/shops/{shop.slug}", "enrolment": "threshold",
                            "threshold_fen": 9900, "level1_rate": "12.5", "level2_rate": "0",
                            "withdraw_min_fen": 500}
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert ids_in_html(html) == ["t", "dc"]
    assert "赚佣金" in html and "我要分销" in html and "一级佣金 12.5%" in html
    assert "二级佣金" not in html and "累计消费满 99.00 元" in html
    assert f'data-api="/api/v1/shops/{shop.slug}"' in html

    _off(factory, shop)
    assert ids_in_layout(client.get(layout).json["nodes"]) == ["t"]
    assert "mk-dist" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)


def _off(factory, shop) -> None:
    from runtime.db import use_shop
    from runtime.modules.switches import disable

    with factory.app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        disable(s, "distribution")
        s.commit()


def test_the_shop_pages_load_referral_js_too(client, shop):
    html = client.get(f"/s/{shop.slug}/cart").get_data(as_text=True)
    assert "_shop-static/referral.js" in html
    script = client.get(f"/s/{shop.slug}/_shop-static/referral.js")
    assert script.status_code == 200 and b"/distribution/bind" in script.data
