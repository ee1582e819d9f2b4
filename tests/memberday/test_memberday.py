"""Member day through the API and checkout on a real app: the day's price is a stage-2 offer
(the better of it and the member price per line, never both), orders paid on the day earn at
its points multiplier (or the level's, whichever is higher), only members of the ranks taking
part get either, and the module switches off and on like every other."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from runtime.db import use_shop
from runtime.modules import switches
from runtime.modules.loader import hooks
from runtime.modules.points import service as points
from runtime.pages import store
from tests.orders.flow import shopper, sku_of

WEDNESDAY_NOON = "2026-11-25"  # the clock fixture: 04:00 UTC = 12:00 in Asia/Shanghai


def _buyer(app, factory, shop, openid):
    buyer = shopper(app, app.test_client(), factory, shop, openid=openid)
    buyer.add_address()
    return buyer


def _quote(buyer, factory, shop, price_fen=10_000):
    product = factory.product(shop, "会员日商品", price_fen=price_fen, stock=10)
    return buyer.quote(source="items", items=[{"sku_id": sku_of(factory, shop, product).id,
                                               "qty": 1}])


def _discounts(quote):
    return [(a["source"], a["amount_fen"]) for a in quote["adjustments"]]


def test_the_better_of_member_day_and_member_price_never_both(app, factory, shop, clock):
    buyer = _buyer(app, factory, shop, "md-1")
    factory.level(shop, "银卡", rank=1, growth_threshold=0, discount_percent=95)  # buyer's
    factory.module_on(shop, "memberday", {"discount_percent": 90})
    assert _discounts(_quote(buyer, factory, shop)) == [("memberday", 1000)]  # 9折 beats 95折

    clock.advance(timedelta(days=1))  # Thursday: the member price only
    assert _discounts(_quote(buyer, factory, shop)) == [("member_level", 500)]

    clock.advance(timedelta(days=6))  # Wednesday again, but a day worse than the level's
    factory.module_on(shop, "memberday", {"discount_percent": 97})
    assert _discounts(_quote(buyer, factory, shop)) == [("member_level", 500)]


def test_the_day_is_the_shops_local_day(app, factory, shop, clock):
    factory.module_on(shop, "memberday", {"discount_percent": 90})
    buyer = _buyer(app, factory, shop, "md-tz")
    clock.advance(timedelta(hours=12))  # 16:00 UTC Wednesday = 00:00 Thursday in Shanghai
    assert _discounts(_quote(buyer, factory, shop)) == []
    day = buyer.call("GET", "/memberday").json
    assert (day["today"], day["is_today"], day["days_until"]) == ("2026-11-26", False, 6)


def test_only_members_of_the_ranks_taking_part(app, factory, shop, clock):
    newcomer = _buyer(app, factory, shop, "md-new")
    factory.level(shop, "银卡", rank=1, growth_threshold=0)  # the newcomer's
    factory.level(shop, "金卡", rank=2, growth_threshold=1000)
    factory.module_on(shop, "memberday", {"discount_percent": 90, "min_level_rank": 2})
    assert _discounts(_quote(newcomer, factory, shop)) == []
    assert newcomer.call("GET", "/memberday").json["eligible"] is False
    anonymous = app.test_client().get(f"/api/v1/shops/{shop.slug}/memberday").json
    assert anonymous["eligible"] is None and anonymous["is_today"] is True
    assert anonymous["benefit_text"] == "会员9折 · 积分2倍"


def test_orders_paid_on_the_day_earn_at_the_higher_multiplier(shop_session, factory, shop,
                                                               clock):
    factory.module_on(shop, "memberday", {"points_multiplier": 3})
    member = factory.member(shop)
    relay = hooks(shop_session)

    def paid(order_id, at):
        return SimpleNamespace(id=order_id, member_id=member.id, points_used=0,
                               points_deduction_fen=0, paid_fen=10_000, paid_at=at)

    relay.order_paid(session=shop_session, order=paid(1, clock.now()), lines=[])
    assert points.balance_of(shop_session, member.id) == 300  # 100 points x 3
    relay.order_paid(session=shop_session, order=paid(2, clock.now() + timedelta(days=1)),
                     lines=[])
    assert points.balance_of(shop_session, member.id) == 400  # Thursday: x 1


def test_a_level_multiplier_above_the_days_wins(shop_session, factory, shop, clock):
    member = factory.member(shop)
    factory.level(shop, "钻石", rank=1, growth_threshold=0, points_multiplier="5")  # member's
    factory.module_on(shop, "memberday", {"points_multiplier": 2})
    order = SimpleNamespace(id=9, member_id=member.id, points_used=0, points_deduction_fen=0,
                            paid_fen=10_000, paid_at=clock.now())
    hooks(shop_session).order_paid(session=shop_session, order=order, lines=[])
    assert points.balance_of(shop_session, member.id) == 500


def test_off_hides_the_api_and_the_price_and_on_again_keeps_settings(app, factory, shop, clock):
    factory.module_on(shop, "memberday", {"discount_percent": 80, "title": "周三会员日"})
    buyer = _buyer(app, factory, shop, "md-off")
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        switches.disable(s, "memberday")
        s.commit()
    problem = buyer.call("GET", "/memberday", expect=404).json
    assert problem["code"] == "module_disabled"
    assert _discounts(_quote(buyer, factory, shop)) == []
    factory.module_on(shop, "memberday")
    day = buyer.call("GET", "/memberday").json
    assert (day["title"], day["discount_percent"]) == ("周三会员日", 80)


def test_another_shop_does_not_get_this_shops_member_day(app, factory, shop, clock):
    other = factory.shop(slug="other-md", name="别家")
    factory.module_on(shop, "memberday", {"discount_percent": 80})
    buyer = _buyer(app, factory, other, "md-other")
    assert buyer.call("GET", "/memberday", expect=404).json["code"] == "module_disabled"
    assert _discounts(_quote(buyer, factory, other)) == []


def test_the_block_shows_the_rules_and_goes_with_the_module(app, factory, shop, clock):
    regs = app.extensions["mallkit"].registries["pages"]
    factory.module_on(shop, "memberday", {"schedule": "monthly", "month_day": 18,
                                          "discount_percent": 88, "points_multiplier": 1})
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        page = store.ensure_page(s, "home", regs)
        store.save_draft(s, "home", {"schema": 1, "title": "首页", "kind": "home", "blocks": [
            {"id": "md", "type": "member-day", "settings": {}}]}, page.draft_revision, regs)
        store.publish(s, "home", registries=regs)
        s.commit()
    client = app.test_client()
    node = client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"][0]
    assert node["type"] == "member-day"
    assert {k: node["data"][k] for k in ("title", "schedule_text", "benefit_text")} == {
        "title": "会员日", "schedule_text": "每月18日", "benefit_text": "会员8.8折"}
    html = client.get(f"/s/{shop.slug}/").get_data(as_text=True)
    assert "mk-mday" in html and "每月18日" in html

    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        switches.disable(s, "memberday")
        s.commit()
    assert client.get(f"/api/v1/shops/{shop.slug}/layouts/home").json["nodes"] == []
    assert "mk-mday" not in client.get(f"/s/{shop.slug}/").get_data(as_text=True)


def test_the_console_shows_each_levels_price_and_the_next_days(app, client, factory, shop,
                                                                 clock):
    factory.level(shop, "银卡", rank=1, growth_threshold=0, discount_percent=95)
    factory.level(shop, "金卡", rank=2, growth_threshold=1000, discount_percent=85,
                  points_multiplier="3")
    factory.module_on(shop, "memberday", {"discount_percent": 90, "points_multiplier": 2})
    factory.console_login(client, factory.merchant(shop))
    html = client.get(f"/console/shops/{shop.slug}/memberday").get_data(as_text=True)
    assert "会员日 · 每周三" in html and "会员9折 · 积分2倍" in html
    rows = [" ".join(r.split()) for r in html.split("<tr>")[2:]]
    assert "银卡" in rows[1] and "¥95.00" in rows[1] and "¥90.00" in rows[1] and "×2" in rows[1]
    assert "金卡" in rows[2] and rows[2].count("¥85.00") == 2 and "×3" in rows[2]
    assert "2026-11-25 · 今天" in html and "2026-12-30" in html
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        switches.disable(s, "memberday")
        s.commit()
    assert client.get(f"/console/shops/{shop.slug}/memberday").status_code == 404
