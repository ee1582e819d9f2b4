"""The paid member card in the user centre: GET /me names the card running now (and the end
of the cards stacked after it) and whether the shop sells cards; the user card shows it or
开通会员卡; the H5 page 会员卡 lists the cards on sale and buys one with the balance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from runtime.modules.members import cards
from runtime.modules.wallet import service as wallet
from tests.aftersales.flow import in_shop
from tests.orders.flow import shopper
from tests.page_helpers import block, page_config

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


def gold_card(app, factory, shop) -> int:
    gold = factory.level(shop, "金卡", 3, 2000, discount_percent=95, free_shipping=True)
    return in_shop(app, factory, shop, lambda s: cards.create_plan(s, {
        "name": "金卡月卡", "level_id": gold.id, "price_fen": 1990, "days": 30}).id)


def fund(app, factory, shop, member_id: int, fen: int) -> None:
    in_shop(app, factory, shop, lambda s: wallet.adjust(
        s, member_id, principal_delta_fen=fen, key=f"test-fund-{member_id}"))


def test_me_names_the_running_card_and_whether_cards_are_sold(app, client, factory, shop,
                                                               clock):
    clock.freeze(NOW)
    alice = shopper(app, client, factory, shop)
    bob = shopper(app, client, factory, shop, openid="o-bob")
    me = alice.call("GET", "/me").json
    assert (me["card"], me["cards_on_sale"]) == (None, False)
    plan = gold_card(app, factory, shop)
    assert alice.call("GET", "/me").json["cards_on_sale"] is True
    fund(app, factory, shop, alice.member.id, 5000)
    key = {"Idempotency-Key": "buy-1"}
    alice.call("POST", "/me/cards", {"plan_id": plan}, 201, headers=key)
    alice.call("POST", "/me/cards", {"plan_id": plan}, 201, headers=key)  # a retry
    me = alice.call("GET", "/me").json
    assert me["card"] == {"name": "金卡月卡",
                          "expires_at": (NOW + timedelta(days=30)).isoformat()}
    assert me["wallet"]["balance_fen"] == 5000 - 1990 and me["level"]["name"] == "金卡"
    alice.call("POST", "/me/cards", {"plan_id": plan}, 201, headers={"Idempotency-Key": "buy-2"})
    stacked = alice.call("GET", "/me").json["card"]
    assert stacked["expires_at"] == (NOW + timedelta(days=60)).isoformat()
    assert bob.call("GET", "/me").json["card"] is None
    later = in_shop(app, factory, shop, lambda s: cards.card_summary(
        s, alice.member.id, now=NOW + timedelta(days=60)))
    assert later == {"card": None, "cards_on_sale": True}  # both cards ended


def test_the_card_page_and_the_user_cards_entry(client, factory, shop):
    factory.publish_page(shop, page_config(block("me", "user-card"), kind="user", title="我的"),
                         "user")
    html = client.get("/s/alpha/pages/user").get_data(as_text=True)
    assert 'href="/s/alpha/cards" data-card hidden' in html
    page = client.get("/s/alpha/cards").get_data(as_text=True)
    assert "<title>会员卡" in page and 'data-page="cards"' in page
    assert 'data-wallet="/s/alpha/wallet"' in page


@pytest.mark.browser
def test_buy_a_card_with_the_balance_and_see_it_on_the_user_card(app, client, factory, shop):
    """Chromium at 375 px: 开通会员卡 on the card opens 会员卡; 开通 pays with the balance;
    back on the user centre the card shows 金卡月卡 and the level 金卡."""
    from tests.browser_support import (
        assert_fits_phone_widths,
        log_in_h5,
        require_chromium,
        serving,
    )
    from tests.orders.test_h5_browser import in_browser

    require_chromium()
    factory.publish_page(shop, page_config(block("me", "user-card"), kind="user", title="我的"),
                         "user")
    plan = gold_card(app, factory, shop)
    alice = shopper(app, client, factory, shop, openid="o-uc-card")
    fund(app, factory, shop, alice.member.id, 5000)

    with serving(app) as live_url:
        def steps(phone):
            phone.set_viewport_size({"width": 375, "height": 800})
            phone.goto(f"{live_url}/s/{shop.slug}/pages/user")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            entry = phone.locator("[data-card]")
            entry.wait_for(state="visible")
            assert entry.inner_text() == "开通会员卡"
            entry.click()
            phone.wait_for_url("**/cards")
            buy = phone.locator(f'[data-buy="{plan}"]')
            buy.wait_for()
            plan_text = phone.inner_text(f'[data-plan="{plan}"]')
            buy.focus()
            phone.keyboard.press("Enter")
            phone.wait_for_selector("text=开通成功")
            assert_fits_phone_widths(phone)
            phone.goto(f"{live_url}/s/{shop.slug}/pages/user")
            phone.wait_for_selector("[data-card]:has-text('金卡月卡')")
            return (plan_text, phone.inner_text("[data-card]"),
                    phone.inner_text("[data-level]"), phone.inner_text("[data-balance]"))

        plan_text, card, level, balance = in_browser(steps)
    assert "¥19.90" in plan_text and "30 天" in plan_text and "9.5折" in plan_text
    assert card.startswith("金卡月卡 ·") and card.endswith("到期")
    assert level == "金卡" and balance == "¥30.10"
