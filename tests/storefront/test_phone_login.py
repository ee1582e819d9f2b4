"""The one H5 phone-login form of blocks (``forms.phone_login`` + phone-login.js): the sign-in
and distributor cards draw the same form and load the same script, with no login code inline;
a wrong code is told in the card that asked; a login in one card hides every login form and
the other card re-reads its member data."""

from __future__ import annotations

import logging
import re

import pytest

from runtime.db import use_shop
from runtime.modules import switches
from tests.browser_support import require_chromium, serving
from tests.distribution.flow import switch_on
from tests.page_helpers import block, ids_in_html, page_config
from tests.storefront.test_shopping_browser import in_browser

SCRIPT = "_shop-static/phone-login.js"


def _both_cards(factory, shop) -> None:
    with factory.app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        switches.enable(s, "signin")
        s.commit()
    switch_on(factory, shop)
    factory.publish_page(shop, page_config(block("sg", "signin-calendar"),
                                           block("dc", "distribution-centre")))


def test_both_cards_draw_the_shared_form_and_load_the_shared_script(client, factory, shop):
    _both_cards(factory, shop)
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert ids_in_html(html) == ["sg", "dc"]
    assert html.count("data-phone-login") == 2
    assert html.count(f'<script type="module" src="/s/{shop.slug}/{SCRIPT}">') == 2
    assert 'class="mk-signin__login" data-login data-phone-login hidden' in html
    assert "/auth/h5" not in html and "onclick" not in html  # nothing inline


def test_the_script_is_served_and_logs_in_through_api_js(client, shop):
    script = client.get(f"/s/{shop.slug}/{SCRIPT}")
    assert script.status_code == 200 and "javascript" in script.content_type
    assert b'from "./api.js"' in script.data and b"logIn(" in script.data
    api = client.get(f"/s/{shop.slug}/_shop-static/api.js").data
    assert b'"/auth/h5"' in api and b'"/auth/h5/code"' in api


@pytest.mark.browser
def test_a_login_in_one_card_hides_every_form_and_the_other_card_re_reads(sim_app, caplog):
    require_chromium()
    from tests.factories import Factory

    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    _both_cards(factory, shop)
    with serving(sim_app) as live_url, caplog.at_level(logging.WARNING,
                                                        logger="mallkit.members.h5login"):
        def steps(page):
            page.goto(f"{live_url}/s/alpha/")
            signin, dist = page.locator(".mk-signin"), page.locator(".mk-dist")
            form, other = signin.locator("[data-login]"), dist.locator("[data-login]")
            dist.get_by_role("button", name="成为分销员").click()
            signin.get_by_role("button", name="立即签到").click()
            assert form.is_visible() and other.is_visible()
            form.get_by_placeholder("手机号").fill("13912340003")
            form.get_by_role("button", name="获取验证码").click()
            signin.get_by_text("验证码已发送").wait_for()
            form.get_by_placeholder("验证码").fill("000000")
            form.get_by_role("button", name="登录").click()
            signin.get_by_text("wrong or expired code").wait_for()
            assert form.is_visible()
            assert dist.locator("[data-note]").inner_text() == "登录后即可申请"
            form.get_by_placeholder("验证码").fill(
                re.findall(r"13912340003: (\d{6})", caplog.text)[-1])
            with page.expect_response(lambda r: r.url.endswith("/distribution/me")) as me:
                form.get_by_role("button", name="登录").click()
            assert me.value.status == 200
            form.wait_for(state="hidden")
            assert other.is_hidden() and signin.locator("[data-note]").inner_text() == ""
            dist.get_by_role("button", name="成为分销员").click()
            dist.get_by_text("你已成为分销员").wait_for()
            signin.get_by_role("button", name="立即签到").click()
            signin.get_by_role("button", name="已签到").wait_for()
        in_browser(steps)
