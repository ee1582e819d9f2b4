"""分销 on H5 in Chromium: a shopper opens a share link (``?from=<code>``) on a block page,
logs in inside the distributor centre card, is bound to the sharer by referral.js, applies
and sees the earnings and the commissions panel."""

from __future__ import annotations

import logging
import re

import pytest

from runtime.db import use_shop
from runtime.modules.distribution import service
from tests.aftersales.flow import buyer
from tests.browser_support import require_chromium, serving
from tests.distribution.flow import distributor, switch_on
from tests.factories import Factory
from tests.page_helpers import block, page_config
from tests.storefront.test_shopping_browser import in_browser


@pytest.mark.browser
def test_a_share_link_binds_after_login_and_the_shopper_becomes_a_distributor(sim_app, caplog):
    require_chromium()
    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    switch_on(factory, shop)
    sharer = buyer(sim_app, sim_app.test_client(), factory, shop, "sharer")
    code = distributor(sharer)["distributor"]["code"]
    factory.publish_page(shop, page_config(block("dc", "distribution-centre")))

    def referrer_of_phone(phone):
        from sqlalchemy import select

        from runtime.modules.members.models import Member

        with sim_app.app_context(), factory._session() as s:
            use_shop(s, shop.id)
            member = s.scalar(select(Member).where(Member.phone == phone))
            return service.referrer_of(s, member.id)

    with serving(sim_app) as live_url, caplog.at_level(logging.WARNING,
                                                        logger="mallkit.members.h5login"):
        def steps(page):
            page.goto(f"{live_url}/s/alpha/?from={code}")
            card = page.locator(".mk-dist")
            form = card.locator("[data-login]")
            assert form.is_hidden() and card.locator("[data-centre]").is_hidden()
            card.get_by_role("button", name="成为分销员").click()
            assert form.is_visible()
            form.get_by_placeholder("手机号").fill("13912340002")
            form.get_by_role("button", name="获取验证码").click()
            card.get_by_text("验证码已发送").wait_for()
            form.get_by_placeholder("验证码").fill(
                re.findall(r"13912340002: (\d{6})", caplog.text)[-1])
            with page.expect_response(lambda r: r.url.endswith("/distribution/bind")) as bound:
                form.get_by_role("button", name="登录").click()
            assert bound.value.status == 200
            form.wait_for(state="hidden")
            card.get_by_role("button", name="成为分销员").click()
            card.get_by_text("你已成为分销员").wait_for()
            assert card.locator("[data-fig=available_fen] b").inner_text() == "0.00"
            card.get_by_role("button", name="佣金明细").click()
            card.get_by_text("还没有佣金，快去分享吧").wait_for()
            card.get_by_role("button", name="推广海报").click()
            card.get_by_role("img", name="推广海报").wait_for()
        in_browser(steps)
    assert referrer_of_phone("13912340002") == sharer.member.id
