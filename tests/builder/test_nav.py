"""The console's left nav is built once per shop, language, visible areas and modules on, and
kept: each page still shows its own shop's links in the member's language, only the sections
the member may use, and marks the screen it is on."""

from __future__ import annotations

import re

from tests.accounts.helpers import HTML


def _sidebar(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    return html.split('<nav class="sidebar"', 1)[1].split("</nav>", 1)[0]


def _current(sidebar: str) -> list[str]:
    return re.findall(r'<a class="active" href="([^"]+)" aria-current="page">', sidebar)


def test_each_page_gets_its_shops_links_language_sections_and_current_screen(app, factory):
    alpha, beta = factory.shop(slug="alpha"), factory.shop(slug="beta")
    owner = factory.merchant(alpha)
    factory.membership(owner, beta)
    clerk = factory.merchant(alpha, role="staff", areas=["orders"], locale="en")
    partner = factory.merchant(alpha, locale="en")
    boss, staff, english = app.test_client(), app.test_client(), app.test_client()
    factory.console_login(boss, owner)
    factory.console_login(staff, clerk)
    factory.console_login(english, partner)

    first = _sidebar(boss, "/console/shops/alpha/catalog/products")
    assert "店铺设置" in first and "/console/shops/beta/" not in first
    assert _current(first) == ["/console/shops/alpha/catalog/products"]
    other_shop = _sidebar(boss, "/console/shops/beta/staff")
    assert "/console/shops/alpha/" not in other_shop
    assert _current(other_shop) == ["/console/shops/beta/staff"]
    clerks = _sidebar(staff, "/console/shops/alpha/")
    assert "Orders" in clerks and "店铺设置" not in clerks and "Settings" not in clerks
    assert "/console/shops/alpha/catalog/products" not in clerks
    in_english = _sidebar(english, "/console/shops/alpha/staff")
    assert "Shop settings" in in_english and "店铺设置" not in in_english
    again = _sidebar(boss, "/console/shops/alpha/staff")
    assert "店铺设置" in again and "Orders" not in again
    assert _current(again) == ["/console/shops/alpha/staff"]
