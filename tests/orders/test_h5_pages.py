"""The H5 pages of the money path: each shell renders for the shop and loads shop.js."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path, page", [
    ("cart", "cart"), ("checkout", "checkout"), ("checkout?sku=5&qty=2", "checkout"),
    ("orders", "orders"), ("orders?status=paid", "orders"), ("orders/7", "order"),
    ("addresses?pick=1", "addresses")])
def test_pages_render(client, shop, path, page):
    answer = client.get(f"/s/{shop.slug}/{path}")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert f'data-page="{page}"' in body
    assert f'data-api="/api/v1/shops/{shop.slug}"' in body
    assert "shop.js" in body and shop.name in body


def test_buy_now_and_tabs(client, shop):
    body = client.get(f"/s/{shop.slug}/checkout?sku=5&qty=2").get_data(as_text=True)
    assert "data-buy-now='{\"qty\": 2, \"sku_id\": 5}'" in body \
        or "data-buy-now='{\"sku_id\": 5, \"qty\": 2}'" in body
    tabs = client.get(f"/s/{shop.slug}/orders?status=shipped").get_data(as_text=True)
    assert 'class="active" aria-current="page">待收货' in tabs


def test_unknown_shop_is_404(client):
    assert client.get("/s/nowhere/cart").status_code == 404


def test_script_and_styles_are_served(client, shop):
    script = client.get(f"/s/{shop.slug}/_shop-static/shop.js")
    assert script.status_code == 200 and b"checkoutPage" in script.data
    assert client.get(f"/s/{shop.slug}/_shop-static/shop.css").status_code == 200
