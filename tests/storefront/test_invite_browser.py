"""邀请有礼 on H5 in Chromium: a new shopper opens an invite link (``?invite=<code>``) on a
page with the invite card, taps the button, logs in with the phone sheet, is bound to the
inviter by referral.js (both rewarded), and the card then shows their own invite code."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.invite.models import Invitation
from tests.browser_support import require_chromium, serving
from tests.factories import Factory
from tests.invite.flow import balance, code_of, member
from tests.page_helpers import block, page_config
from tests.storefront.test_shopping_browser import in_browser


@pytest.mark.browser
def test_an_invite_link_binds_after_login_and_rewards_both(sim_app, caplog):
    require_chromium()
    factory = Factory(sim_app)
    shop = factory.shop(slug="alpha", name="Alpha 商店")
    factory.module_on(shop, "invite", {"inviter_points": 100, "invitee_points": 50})
    inviter = member(sim_app, factory, shop)
    code = code_of(inviter)
    factory.publish_page(shop, page_config(block("iv", "invite")))

    with serving(sim_app) as live_url, caplog.at_level(logging.WARNING,
                                                        logger="mallkit.members.h5login"):
        def steps(page):
            page.goto(f"{live_url}/s/alpha/?invite={code}")
            card = page.locator(".mk-invite")
            assert card.locator("[data-invite-mine]").is_hidden()
            card.get_by_role("button", name="立即邀请").click()
            sheet = page.locator("form[data-login]")
            sheet.locator("input[name=phone]").fill("13912340003")
            sheet.get_by_role("button", name="获取验证码").click()
            page.get_by_text("验证码已发送").wait_for()
            sheet.locator("input[name=code]").fill(
                re.findall(r"13912340003: (\d{6})", caplog.text)[-1])
            with page.expect_response(lambda r: r.url.endswith("/invite/bind")) as bound:
                sheet.get_by_role("button", name="登录").click()
            assert bound.value.status == 200 and bound.value.json()["bound"] is True
            mine = card.locator("[data-invite-code]")
            mine.wait_for()
            assert re.fullmatch(r"[A-Z2-9]{8}", mine.inner_text()) and mine.inner_text() != code
        in_browser(steps)

    with factory._session() as s:
        use_shop(s, shop.id)
        invitation = s.scalar(select(Invitation))
        assert (invitation.inviter_member_id, invitation.status, invitation.invitee_points) == (
            inviter.member.id, "rewarded", 50)
    assert balance(factory, shop, inviter) == 100
