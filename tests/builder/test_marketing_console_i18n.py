"""The coupons, promotions, group buy, distribution and seckill consoles speak the user's
language through gettext: Chinese by default, English for a user who picked it — labels,
statuses and the nav entries alike."""

from __future__ import annotations

import re

import pytest

from tests.accounts.helpers import HTML
from tests.coupons.flow import template
from tests.distribution import flow as distribution_flow
from tests.groupbuy import flow as groupbuy_flow
from tests.seckill.helpers import at
from tests.seckill.helpers import example as seckill_example

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PAGES = ("coupons", "promotions/discounts", "promotions/discounts/new",
         "promotions/full-reductions", "promotions/full-reductions/new")


@pytest.fixture
def console(app, factory, shop):
    factory.module_on(shop, "coupons")
    factory.module_on(shop, "promotions")
    template(app, factory, shop, name="满100减10")
    client = app.test_client()
    token = factory.console_login(client, factory.merchant(shop))
    return client, token


def _main(html: str) -> str:
    """The page's own content (the <main> element), without scripts."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<script.*?</script>", "", main, flags=re.S)


def test_the_marketing_consoles_are_chinese_by_default(console, shop):
    client, _ = console
    html = {p: client.get(f"/console/shops/{shop.slug}/{p}", headers=HTML).get_data(as_text=True)
            for p in PAGES}
    assert "新建优惠券" in html["coupons"] and "发放中" in html["coupons"]
    assert "新建限时折扣" in html["promotions/discounts"]
    assert "优惠档位" in html["promotions/full-reductions/new"]
    assert "限时折扣" in html["coupons"] and "满减/满折" in html["coupons"]  # the nav


def test_the_marketing_consoles_in_english_show_no_chinese_labels(console, shop):
    client, token = console
    saved = client.patch("/console/account", json={"locale": "en"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    card = client.get(f"/console/shops/{shop.slug}/coupons",
                      headers={"Accept": "application/json"}).json["items"][0]
    data = ["满100减10", card["value_text"], card["rule_text"], card["valid_text"]]
    for page in PAGES:
        html = client.get(f"/console/shops/{shop.slug}/{page}", headers=HTML).get_data(
            as_text=True)
        text = _main(html)
        for shown in data:  # the merchant's coupon and the rules as shoppers read them
            text = text.replace(shown, "")
        if page == "promotions/discounts/new":
            text = text.replace('value="限时折扣"', "")  # the default tag shoppers read
        assert not CHINESE.findall(text), (page, sorted(set(CHINESE.findall(text))))
    index = client.get(f"/console/shops/{shop.slug}/coupons", headers=HTML).get_data(
        as_text=True)
    assert "New coupon" in index and "Giving" in index and "Full reductions" in index


@pytest.fixture
def groupbuy_console(app, client, factory, shop):
    """A 3-person group buy with a group its leader opened, and the merchant signed in."""
    activity, sku = groupbuy_flow.setup(app, factory, shop)
    leader = groupbuy_flow.people(app, client, factory, shop, "团长")[0]
    groupbuy_flow.paid(app, leader, activity, sku)
    console = app.test_client()
    token = factory.console_login(console, factory.merchant(shop))
    pages = ("groupbuy", "groupbuy/activities/new", f"groupbuy/activities/{activity.id}",
             "groupbuy/groups")
    return console, token, pages


def _pages(client, shop, pages) -> dict[str, str]:
    return {p: client.get(f"/console/shops/{shop.slug}/{p}", headers=HTML).get_data(as_text=True)
            for p in pages}


def test_the_groupbuy_console_is_chinese_by_default(groupbuy_console, shop):
    client, _, pages = groupbuy_console
    html = _pages(client, shop, pages)
    assert "新建拼团活动" in html["groupbuy"] and "进行中" in html["groupbuy"]
    assert "成团人数（2–100）" in html[pages[2]] and "自动开新团" in html[pages[2]]
    assert "拼团中" in html["groupbuy/groups"] and "（团长）" in html["groupbuy/groups"]
    assert "拼团活动" in html["groupbuy"] and "拼团管理" in html["groupbuy"]  # the nav


def test_the_groupbuy_console_in_english_shows_no_chinese_labels(groupbuy_console, shop):
    client, token, pages = groupbuy_console
    saved = client.patch("/console/account", json={"locale": "en"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    item = client.get(f"/console/shops/{shop.slug}/groupbuy",
                      headers={"Accept": "application/json"}).json["items"][0]
    data = [item["title"], item["product"]["title"], item["badge"]]  # the merchant's words
    html = _pages(client, shop, pages)
    for page, shown in html.items():
        text = _main(shown)
        for word in data:
            text = text.replace(word, "")
        assert not CHINESE.findall(text), (page, sorted(set(CHINESE.findall(text))))
    assert "New group buy" in html["groupbuy"] and "Running" in html["groupbuy"]
    assert "(leader)" in html["groupbuy/groups"] and "Open a new group" in html[pages[2]]
    assert "Group buys" in html["groupbuy"] and "Groups" in html["groupbuy"]  # the nav


@pytest.fixture
def distribution_console(app, client, factory, shop, clock, redis_conn):
    """Two distributors with settled commission, a bank withdrawal to review, a level and a
    product's own commission, and the merchant signed in."""
    _, b, _ = distribution_flow.earned(app, client, factory, shop, clock, redis_conn)
    b.call("POST", "/distribution/withdrawals", {"amount_fen": 600, "method": "bank",
                                                 "account": BANK}, 201)
    console = app.test_client()
    token = factory.console_login(console, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/distribution"
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    assert console.post(f"{base}/levels", json={
        "name": "Gold", "rank": 1, "level1_rate": "12", "level2_rate": "6"},
        headers=headers).status_code == 200
    product_id = factory.product(shop, "Scarf", price_fen=8800).id
    assert console.post(f"{base}/rates", json={
        "product_id": product_id, "mode": "fixed", "level1_value": "300",
        "level2_value": "100"}, headers=headers).status_code == 200
    return console, token


DISTRIBUTION = ("distribution", "distribution/applications", "distribution/distributors",
                "distribution/levels", "distribution/rates", "distribution/commissions",
                "distribution/withdrawals?status=auditing")
BANK = {"name": "Li Lei", "bank": "CMB", "card_no": "6225880000000000"}


def test_the_distribution_console_is_chinese_by_default(distribution_console, shop):
    client, _ = distribution_console
    html = _pages(client, shop, DISTRIBUTION)
    assert "成为分销员" in html["distribution"] and "分销等级" in html["distribution"]
    assert "已结算" in html["distribution/commissions"] and "一级" in html[
        "distribution/commissions"]
    assert "审核通过" in html["distribution/withdrawals?status=auditing"]
    assert "固定金额" in html["distribution/rates"] and "仅手动设置" in html["distribution/levels"]
    assert "佣金提现审核" in html["distribution"]  # the nav


def test_the_distribution_console_in_english_shows_no_chinese_labels(distribution_console,
                                                                     shop):
    client, token = distribution_console
    saved = client.patch("/console/account", json={"locale": "en"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    html = _pages(client, shop, DISTRIBUTION)
    for page, shown in html.items():
        text = re.sub(r"会员\d+", "", _main(shown))  # members' default names are data
        assert not CHINESE.findall(text), (page, sorted(set(CHINESE.findall(text))))
    assert "Becoming a distributor" in html["distribution"]
    assert "Settled" in html["distribution/commissions"]
    assert "Approve the withdrawal" in html["distribution/withdrawals?status=auditing"]
    assert "Fixed amount" in html["distribution/rates"]
    assert "Commission withdrawals" in html["distribution"]  # the nav


@pytest.fixture
def seckill_console(app, factory, shop, clock):
    """The seckill worked example (two slots, an activity running now) and the merchant."""
    at(clock, 2026, 12, 5, 10, 30)
    made = seckill_example(app, factory, shop)
    console = app.test_client()
    token = factory.console_login(console, factory.merchant(shop))
    pages = ("seckill", "seckill/activities/new", f"seckill/activities/{made['activity_id']}",
             "seckill/slots", "seckill/live")
    return console, token, pages


def test_the_seckill_console_is_chinese_by_default(seckill_console, shop):
    client, _, pages = seckill_console
    html = _pages(client, shop, pages)
    assert "新建秒杀活动" in html["seckill"] and "进行中" in html["seckill"]
    assert "每人限购" in html[pages[2]] and "秒杀价（元）" in html[pages[2]]
    assert "添加场次" in html["seckill/slots"] and "剩余（数据库）" in html["seckill/live"]
    assert "秒杀场次" in html["seckill"] and "实时看板" in html["seckill"]  # the tabs


def test_the_seckill_console_in_english_shows_no_chinese_labels(seckill_console, shop):
    client, token, pages = seckill_console
    saved = client.patch("/console/account", json={"locale": "en"},
                         headers={"X-CSRF-Token": token})
    assert saved.status_code == 200
    data = ["周末秒杀", "秒杀商品", "10点场", "12点场"]  # the merchant's words
    html = _pages(client, shop, pages)
    for page, shown in html.items():
        text = _main(shown)
        for word in data:
            text = text.replace(word, "")
        assert not CHINESE.findall(text), (page, sorted(set(CHINESE.findall(text))))
    assert "New seckill activity" in html["seckill"] and "Running" in html["seckill"]
    assert "Limit per buyer" in html[pages[2]] and "Left (database)" in html["seckill/live"]
    assert "Seckill" in html["seckill"]  # the nav
