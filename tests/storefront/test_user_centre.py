"""The user centre: the user-card block (the same cached page for everyone; the member's
figures come from their own endpoints), the balance and points pages."""

from __future__ import annotations

from tests.orders.flow import shopper, sku_of
from tests.page_helpers import block, ids_in_html, page_config


def test_the_user_card_page_holds_no_member_data(client, factory, shop):
    factory.publish_page(shop, page_config(block("me", "user-card"), kind="user", title="我的"),
                         "user")
    alice = shopper(None, client, factory, shop)
    layout = client.get("/api/v1/shops/alpha/layouts/user",
                        headers={"Authorization": f"Bearer {alice.token}"}).json
    assert [(n["id"], n["data"]) for n in layout["nodes"]] == [("me", None)]
    html = client.get("/s/alpha/pages/user").get_data(as_text=True)
    assert ids_in_html(html) == ["me"] and "data-mk-usercard" in html
    assert "登录 / 注册" in html and alice.member.nickname not in html
    for href in ("/s/alpha/orders?status=pending_payment", "/s/alpha/orders?status=shipped",
                 "/s/alpha/wallet", "/s/alpha/points", "/s/alpha/addresses"):
        assert f'href="{href}"' in html


def test_the_figures_the_card_reads(app, client, factory, shop):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    alice.buy(sku.id, 1)
    me = alice.call("GET", "/me").json
    assert (me["points"], me["wallet"]["balance_fen"]) == (0, 0)
    counts = alice.call("GET", "/orders/counts").json
    assert counts["pending_payment"] == 1 and sum(counts.values()) == 1


def test_compact_preset_leaves_out_the_shortcuts(client, factory, shop):
    factory.publish_page(shop, page_config(block("me", "user-card", style="card",
                                                 show_shortcuts=False, show_assets=False),
                                           kind="user", title="我的"), "user")
    html = client.get("/s/alpha/pages/user").get_data(as_text=True)
    assert "mk-user--card" in html and "/s/alpha/addresses" not in html
    assert "data-balance" not in html and 'data-count="paid"' in html


def test_balance_and_points_pages_are_shells_for_the_api(client, shop):
    for path, title, page in (("wallet", "我的余额", "wallet"), ("points", "我的积分", "points")):
        html = client.get(f"/s/alpha/{path}").get_data(as_text=True)
        assert f"<title>{title}" in html and f'data-page="{page}"' in html
    assert 'data-topup="7"' in client.get("/s/alpha/wallet?topup=7").get_data(as_text=True)

