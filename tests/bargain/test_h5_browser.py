"""The H5 bargain pages in Chromium: the launcher's page (price, progress bar, countdown,
helpers, 立即购买 to the bargain checkout, 邀请好友帮砍); a friend opening the shared link
cuts once (帮砍一刀) and then sees 你已帮砍过; the activity page launches."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.bargain.flow import launch, launch_row, people, setup
from tests.browser_support import PHONE, log_in_h5


@pytest.mark.browser
def test_launcher_and_friend_pages(app, client, factory, shop, browser, phone, live_url):
    activity, sku = setup(app, factory, shop)
    alice, bob, carol = people(app, client, factory, shop, "alice", "bob", "carol")
    made = launch(alice, activity).json
    page_url = f"{live_url}/s/{shop.slug}/bargain/launches/{made['id']}"

    phone.goto(page_url)
    log_in_h5(phone, live_url, shop.slug, alice.token)
    phone.reload()
    phone.locator("[data-buy]").wait_for()
    text = phone.locator("#app").inner_text()
    assert "我发起的砍价" in text and f"当前价 ¥{made['price_fen'] / 100:.2f}" in text
    assert "自己 砍掉" in text and "1/5 刀" in text
    assert re.search(r"剩余 \d\d:\d\d:\d\d", text)
    bar = phone.locator('[role="progressbar"]')
    assert bar.get_attribute("aria-valuenow") == str(made["percent"])
    buy = parse_qs(urlsplit(phone.locator("[data-buy]").get_attribute("href")).query)
    assert buy == {"sku": [str(sku.id)], "qty": ["1"], "activity": ["bargain"],
                   "activity_id": [str(made["id"])]}
    assert phone.locator("[data-share]").inner_text() == "邀请好友帮砍"

    friend = browser.new_context(**PHONE).new_page()
    try:
        friend.goto(page_url)
        log_in_h5(friend, live_url, shop.slug, bob.token)
        friend.reload()
        friend.locator("[data-help]").click()
        friend.locator("text=你已帮砍过").wait_for()
        assert "2/5 刀" in friend.locator("#app").inner_text()
        assert friend.locator("[data-help]").count() == 0
        assert friend.locator("[data-buy]").count() == 0
    finally:
        friend.context.close()
    assert launch_row(factory, shop, made["id"]).cuts == 2

    phone.goto(f"{live_url}/s/{shop.slug}/bargain/activities/{activity.id}")
    log_in_h5(phone, live_url, shop.slug, carol.token)
    phone.locator("[data-launch]").click()
    phone.wait_for_url(re.compile(r".*/bargain/launches/\d+$"))
    assert int(phone.url.rsplit("/", 1)[1]) != made["id"]
    phone.locator("[data-buy]").wait_for()
