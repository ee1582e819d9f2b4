"""The coupon step through the real quote: the threshold on the matching lines after the
member price (and the full reduction), only_original_price, the percent cap, the 1 fen
floor, scopes, the best coupon and the reasons of the unusable ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from runtime.modules.coupons.pricing import CouponStep, HeldCoupon, judge
from runtime.pricing import Adjustment, AdjustmentKind, PricingLine, PricingRequest, PricingState
from tests.aftersales.flow import buyer
from tests.coupons.flow import claim, items, template
from tests.orders.flow import sku_of

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)


@pytest.fixture
def on(factory, shop, clock):
    clock.freeze(NOW)
    factory.module_on(shop, "coupons")


def test_threshold_is_measured_after_the_member_price(app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10400))
    alice = buyer(app, client, factory, shop)
    factory.level(shop, "金卡", 1, 0, discount_percent=95)  # alice is re-levelled
    coupon = claim(alice, template(app, factory, shop))
    quote = alice.quote(**items((sku.id, 1)))
    # 10400 at 95 % = 9880 < 10000: the member price brings it under the threshold
    assert quote["goods_total_fen"] == 10400
    extras = quote["extras"]["coupons"]
    assert extras["best"] is None and extras["selected"] is None
    [unusable] = extras["unusable"]
    assert (unusable["id"], unusable["code"]) == (coupon["id"], "below_threshold")
    assert "还差¥1.20" in unusable["reason"]
    refused = alice.quote(coupon_id=coupon["id"], **items((sku.id, 1)))
    assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
        ("/coupon_id", "below_threshold")]
    quote = alice.quote(**items((sku.id, 2)))  # 19760 reaches it
    assert quote["extras"]["coupons"]["best"]["discount_fen"] == 1000
    used = alice.quote(coupon_id=coupon["id"], **items((sku.id, 2)))
    assert used["errors"] == []
    assert [(a["source"], a["amount_fen"]) for a in used["adjustments"]] == [
        ("member_level", 1040), (f"coupon:{coupon['id']}", 1000)]
    assert used["payable_fen"] == 20800 - 1040 - 1000 + used["shipping_fen"]


def test_only_matching_lines_count_and_share_the_discount(app, client, factory, shop, on):
    a = sku_of(factory, shop, factory.product(shop, price_fen=6000))
    b = sku_of(factory, shop, factory.product(shop, price_fen=5000))
    c = sku_of(factory, shop, factory.product(shop, price_fen=9000))
    alice = buyer(app, client, factory, shop)
    only_ab = claim(alice, template(app, factory, shop, scope="products",
                                    product_ids=[a.product_id, b.product_id]))
    not_c = claim(alice, template(app, factory, shop, name="满200减30", amount_fen=3000,
                                  min_spend_fen=20000, scope="except_products",
                                  product_ids=[c.product_id]))
    quote = alice.quote(coupon_id=only_ab["id"], **items((a.id, 1), (b.id, 1), (c.id, 1)))
    lines = {ln["sku_id"]: ln["adjustments"] for ln in quote["lines"]}
    source = f"coupon:{only_ab['id']}"
    assert (lines[a.id][source], lines[b.id][source]) == (545, 455)
    assert source not in lines[c.id]
    [unusable] = quote["extras"]["coupons"]["unusable"]
    assert (unusable["id"], unusable["code"]) == (not_c["id"], "below_threshold")


def test_percent_coupon_is_capped(app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=50000))
    alice = buyer(app, client, factory, shop)
    capped = claim(alice, template(app, factory, shop, name="8折券", kind="percent",
                                   discount_percent=80, max_discount_fen=3000,
                                   min_spend_fen=0))
    quote = alice.quote(coupon_id=capped["id"], **items((sku.id, 1)))
    assert [(a["source"], a["amount_fen"]) for a in quote["adjustments"]] == [
        (f"coupon:{capped['id']}", 3000)]  # 20 % of 50000 would be 10000
    small = alice.quote(coupon_id=capped["id"], **items((sku_of(
        factory, shop, factory.product(shop, price_fen=9999)).id, 1)))
    assert small["adjustments"][0]["amount_fen"] == 2000  # 9999 - 7999 (80 % rounded)


def test_a_coupon_never_brings_the_goods_below_one_fen(app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=300))
    alice = buyer(app, client, factory, shop)
    big = claim(alice, template(app, factory, shop, name="无门槛10元", amount_fen=1000,
                                min_spend_fen=0))
    quote = alice.quote(coupon_id=big["id"], **items((sku.id, 1)))
    assert quote["adjustments"][0]["amount_fen"] == 299
    assert quote["lines"][0]["payable_fen"] == 1


def _state(lines, adjustments=()):
    state = PricingState(PricingRequest(lines=tuple(lines)), {})
    for source, key, amount in adjustments:
        state.add_adjustment(source, source, amount, lines=[key])
    return state


def _held(**kw):
    values = {"id": 1, "name": "券", "kind": "amount", "amount_fen": 1000,
              "min_spend_fen": 10000, "discount_percent": 100, "max_discount_fen": 0,
              "scope": "all", "product_ids": frozenset(), "category_ids": frozenset(),
              "only_original_price": False, "valid_from": NOW, "valid_until": NOW}
    return HeldCoupon(**{**values, **kw})


def test_only_original_price_leaves_out_lines_in_a_limited_time_discount():
    lines = [PricingLine("a", 1, 1, "A", 8000, 1), PricingLine("b", 2, 2, "B", 6000, 1)]
    state = _state(lines, [("limited_discount:3", "a", 2000)])
    plain = judge(_held(), state, NOW)
    assert plain.usable and plain.lines == ("a", "b") and plain.discount_fen == 1000
    original = judge(_held(only_original_price=True), state, NOW)
    assert (original.code, original.lines) == ("below_threshold", ())  # B alone: 6000
    state = _state(lines, [("limited_discount:3", "a", 2000)])
    cheap = judge(_held(only_original_price=True, min_spend_fen=5000), state, NOW)
    assert cheap.usable and cheap.lines == ("b",)
    only_a = _state(lines[:1], [("limited_discount:3", "a", 2000)])
    none = judge(_held(only_original_price=True, min_spend_fen=0), only_a, NOW)
    assert (none.code, none.reason) == ("no_matching_goods", "仅限原价商品")


def test_the_threshold_follows_the_full_reduction_too():
    """A full reduction (step 3, position 300) before the coupon lowers what it measures."""
    lines = [PricingLine("a", 1, 1, "A", 10000, 1), PricingLine("b", 2, 2, "B", 5000, 1)]
    state = _state(lines)
    state.add_adjustment("full_reduction:1", "满150减20", 2000)
    verdict = judge(_held(min_spend_fen=13500), state, NOW)
    assert (verdict.code, state.goods_payable_fen) == ("below_threshold", 13000)
    step = CouponStep()
    state.data = {"coupons": type("Offer", (), {"coupons": (_held(min_spend_fen=13000),),
                                                "now": NOW})()}
    state.request = PricingRequest(lines=tuple(lines), coupon_id=1)
    step.apply(state)
    coupon = next(a for a in state.adjustments if a.source == "coupon:1")
    assert (coupon.amount_fen, dict(coupon.per_line)) == (1000, {"a": 666, "b": 334})
    assert isinstance(coupon, Adjustment) and coupon.kind == AdjustmentKind.DISCOUNT


def test_best_coupon_is_told_not_applied(app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=20000))
    alice = buyer(app, client, factory, shop)
    small = claim(alice, template(app, factory, shop))
    large = claim(alice, template(app, factory, shop, name="满150减20", amount_fen=2000,
                                  min_spend_fen=15000))
    quote = alice.quote(**items((sku.id, 1)))
    assert quote["adjustments"] == [] and quote["errors"] == []
    coupons = quote["extras"]["coupons"]
    assert coupons["best"]["id"] == large["id"] and coupons["best"]["discount_fen"] == 2000
    assert [c["id"] for c in coupons["usable"]] == [large["id"], small["id"]]


def test_another_members_or_unknown_coupon_is_unavailable(app, client, factory, shop, on):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=20000))
    alice = buyer(app, client, factory, shop)
    bob = buyer(app, app.test_client(), factory, shop, "bob")
    mine = claim(alice, template(app, factory, shop))
    quote = bob.quote(coupon_id=mine["id"], **items((sku.id, 1)))
    assert [(e["pointer"], e["code"]) for e in quote["errors"]] == [
        ("/coupon_id", "coupon_unavailable")]
    bob.call("POST", "/orders", {"quote_id": quote["quote_id"]}, 422,
             headers={"Idempotency-Key": "bob-key-0001"})


def test_activity_orders_take_no_coupon(app, client, factory, shop, on):
    from runtime.pricing import ActivityRef

    sku = sku_of(factory, shop, factory.product(shop, price_fen=20000))
    alice = buyer(app, client, factory, shop)
    coupon = claim(alice, template(app, factory, shop))
    refused = alice.quote(422, coupon_id=coupon["id"], activity={"kind": "seckill", "id": 3},
                          **items((sku.id, 1)))
    assert ("/coupon_id", "coupon_not_allowed") in {(e["pointer"], e["code"])
                                                    for e in refused["errors"]}
    lines = (PricingLine("a", 1, 1, "A", 20000, 1),)
    request = PricingRequest(lines=lines, activity=ActivityRef("seckill", 3))
    state = PricingState(request, {"coupons": type("Offer", (), {
        "coupons": (_held(),), "now": NOW})()})
    CouponStep().apply(state)
    assert state.adjustments == [] and state.extras == {}
    assert CouponStep().prepare(None, request, {}) is None
