"""The promotions' pricing steps in the pure pipeline: the issue's worked example to the
fen (docs/modules/promotions.md), every line share summing to its discount, member price vs
limited-time discount never both, the highest tier only, 每满 with its cap, free shipping
and gifts kept with the order. No app, no database."""

from __future__ import annotations

import random

from runtime.modules.fulfilment.pricing import Shipping
from runtime.modules.members.pricing import MemberLevelDiscount, MemberPricing
from runtime.modules.points.pricing import PointsDeduction, PointsOffer
from runtime.modules.promotions.pricing import (
    FullReductionStep,
    LimitedDiscountStep,
    ReductionPlan,
    ReductionRule,
    SkuDiscount,
)
from runtime.pricing import (
    PricingLine,
    PricingRequest,
    PricingState,
    ShippingCharge,
    ShippingPlan,
    run_pipeline,
)
from tests.orders.test_pricing import check_invariants


class HundredMinusTen:
    """A stand-in for the coupons module's step (position 400): 满100减10 on all lines."""

    name = "coupon"
    position = 400

    def apply(self, state: PricingState) -> None:
        if state.request.coupon_id == 9 and state.goods_payable_fen >= 10000:
            state.add_adjustment("coupon:9", "满100减10", 1000)


STEPS = sorted([MemberLevelDiscount(), LimitedDiscountStep(), FullReductionStep(),
                HundredMinusTen(), Shipping(), PointsDeduction()], key=lambda s: s.position)


def line(key: str, sku: int, price: int, qty: int = 1, product: int | None = None
         ) -> PricingLine:
    return PricingLine(key=key, sku_id=sku, product_id=product or sku, title=key,
                       unit_price_fen=price, qty=qty)


def rule(rid: int = 1, tiers=({"threshold": 15000, "discount_fen": 2000},), **kw) -> ReductionRule:
    return ReductionRule(rid, f"r{rid}", kw.pop("condition", "amount"), kw.pop("scope", "all"),
                         frozenset(kw.pop("product_ids", ())), tuple(tiers), **kw)


def test_the_worked_example_to_the_fen():
    request = PricingRequest(lines=(line("A", 1, 10000), line("B", 2, 5000, 2)), member_id=7,
                             use_points=True, coupon_id=9)
    data = {"member_level": MemberPricing(7, "银卡", 95),
            "limited_discount": {1: SkuDiscount(3, "限时折扣", "price", 8000)},
            "full_reduction": ReductionPlan((rule(),)),
            "points": PointsOffer(balance=5000, points_per_yuan=100, max_percent=10),
            "shipping": ShippingPlan(lambda _s: ShippingCharge(800))}
    quote = run_pipeline(request, data, STEPS)
    check_invariants(quote)
    a, b = quote.lines
    assert a.adjustments == {"limited_discount:3": 2000, "full_reduction:1": 914,
                             "coupon:9": 457, "points": 662}
    assert b.adjustments == {"member_level": 500, "full_reduction:1": 1086,
                             "coupon:9": 543, "points": 788}
    assert (a.payable_fen, b.payable_fen) == (8000 - 914 - 457 - 662, 9500 - 1086 - 543 - 788)
    assert quote.points_used == 1450
    assert quote.payable_fen == 13050 + 800
    assert [x.source for x in quote.adjustments] == [
        "member_level", "limited_discount:3", "full_reduction:1", "coupon:9", "points"]


def test_member_price_and_discount_never_both_and_larger_wins():
    request = PricingRequest(lines=(line("A", 1, 1000), line("B", 2, 1000)), member_id=7)
    data = {"member_level": MemberPricing(7, "金卡", 90),
            "limited_discount": {1: SkuDiscount(3, "限时折扣", "percent", 95),
                                 2: SkuDiscount(3, "限时折扣", "amount_off", 300)}}
    quote = run_pipeline(request, data, STEPS)
    check_invariants(quote)
    a, b = quote.lines
    assert a.adjustments == {"member_level": 100}  # 9折 beats 95 %
    assert b.adjustments == {"limited_discount:3": 300}  # -3 yuan beats 9折
    for li in quote.lines:
        assert len(li.adjustments) == 1


def test_per_member_limit_prices_only_the_units_left():
    request = PricingRequest(lines=(line("A", 1, 1000, 3),), member_id=7)
    quote = run_pipeline(request, {"limited_discount": {
        1: SkuDiscount(3, "限时折扣", "price", 600, left=2)}}, STEPS)
    assert quote.lines[0].adjustments == {"limited_discount:3": 800}  # 2 units at 6 yuan
    assert quote.adjustments[0].meta["units"] == {"1": 2}


def test_highest_tier_only():
    tiers = ({"threshold": 10000, "discount_fen": 1000},
             {"threshold": 20000, "discount_fen": 3000},
             {"threshold": 30000, "discount_fen": 5000})
    for total, off in ((9999, 0), (10000, 1000), (29999, 3000), (45000, 5000)):
        request = PricingRequest(lines=(line("A", 1, total),))
        quote = run_pipeline(request, {"full_reduction": ReductionPlan((rule(tiers=tiers),))},
                             STEPS)
        assert quote.discount_total_fen == off, total


def test_repeat_with_cap_and_percent_tiers_and_count_condition():
    each = rule(tiers=({"threshold": 10000, "discount_fen": 1000},), repeat=True,
                max_discount_fen=2500)
    for total, off in ((9999, 0), (10000, 1000), (29999, 2000), (35000, 2500), (99900, 2500)):
        quote = run_pipeline(PricingRequest(lines=(line("A", 1, total),)),
                             {"full_reduction": ReductionPlan((each,))}, STEPS)
        assert quote.discount_total_fen == off, total
    uncapped = rule(tiers=({"threshold": 10000, "discount_fen": 1000},), repeat=True)
    quote = run_pipeline(PricingRequest(lines=(line("A", 1, 99900),)),
                         {"full_reduction": ReductionPlan((uncapped,))}, STEPS)
    assert quote.discount_total_fen == 9000
    three_items = rule(condition="count", tiers=({"threshold": 3, "discount_pct": 90},))
    two = run_pipeline(PricingRequest(lines=(line("A", 1, 999, 2),)),
                       {"full_reduction": ReductionPlan((three_items,))}, STEPS)
    three = run_pipeline(PricingRequest(lines=(line("A", 1, 999, 2), line("B", 2, 1001))),
                         {"full_reduction": ReductionPlan((three_items,))}, STEPS)
    assert two.discount_total_fen == 0
    assert three.discount_total_fen == 3000 - 2700  # 9折 of 30 yuan


def test_scope_and_one_reduction_per_line():
    include = rule(1, scope="include", product_ids=(1,),
                   tiers=({"threshold": 1000, "discount_fen": 100},))
    everything = rule(2, tiers=({"threshold": 1000, "discount_fen": 300},))
    request = PricingRequest(lines=(line("A", 1, 1000), line("B", 2, 1000)))
    quote = run_pipeline(request, {"full_reduction": ReductionPlan((include, everything))},
                         STEPS)
    check_invariants(quote)
    a, b = quote.lines
    assert a.adjustments == {"full_reduction:1": 100}
    assert b.adjustments == {"full_reduction:2": 300}
    exclude = rule(3, scope="exclude", product_ids=(1,),
                   tiers=({"threshold": 1000, "discount_fen": 100},))
    quote = run_pipeline(request, {"full_reduction": ReductionPlan((exclude,))}, STEPS)
    assert [li.adjustments for li in quote.lines] == [{}, {"full_reduction:3": 100}]


def test_free_shipping_and_gift_only_tier_are_kept_with_the_quote():
    gifts = rule(tiers=({"threshold": 5000, "free_shipping": True, "give_points": 100,
                         "give_coupons": [4]},))
    request = PricingRequest(lines=(line("A", 1, 6000),))
    quote = run_pipeline(request, {"full_reduction": ReductionPlan((gifts,)),
                                   "shipping": ShippingPlan(lambda _s: ShippingCharge(800))},
                         STEPS)
    check_invariants(quote)
    assert quote.shipping_fen == 0 and quote.shipping_detail["waived_by"] == "full_reduction:1"
    (adj,) = quote.adjustments
    assert adj.amount_fen == 0 and adj.label == "满50包邮送100积分送券"
    assert adj.meta["give_points"] == 100 and adj.meta["give_coupons"] == [4]


def test_random_carts_always_sum_exactly():
    rng = random.Random(16)
    for _ in range(300):
        lines = tuple(line(f"L{i}", i, rng.randint(1, 40_000), rng.randint(1, 4))
                      for i in range(1, rng.randint(2, 9)))
        discounts = {ln.sku_id: SkuDiscount(rng.randint(1, 3), "限时",
                                            rng.choice(["percent", "price", "amount_off"]),
                                            rng.randint(1, 99))
                     for ln in lines if rng.random() < 0.5}
        tiers = ({"threshold": rng.randint(1, 50_000), "discount_fen": rng.randint(1, 9000)},
                 {"threshold": rng.randint(50_001, 90_000), "discount_pct": rng.randint(1, 99)})
        data = {"member_level": MemberPricing(7, "L", rng.randint(50, 100)),
                "limited_discount": discounts,
                "full_reduction": ReductionPlan((rule(tiers=tiers),)),
                "points": PointsOffer(rng.randint(0, 100_000), 100, rng.randint(0, 50))}
        request = PricingRequest(lines=lines, member_id=7, use_points=True, coupon_id=9)
        quote = run_pipeline(request, data, STEPS)
        check_invariants(quote)
        for li in quote.lines:
            stage2 = [s for s in li.adjustments if s == "member_level"
                      or s.startswith("limited_discount:")]
            assert len(stage2) <= 1


def test_an_activity_order_skips_the_discount_and_the_full_reduction():
    from runtime.pricing import ActivityRef

    request = PricingRequest(lines=(line("A", 1, 10000),), member_id=7,
                             activity=ActivityRef("seckill", 5))
    data = {"member_level": MemberPricing(7, "银卡", 95),
            "limited_discount": {1: SkuDiscount(3, "限时折扣", "price", 8000)},
            "full_reduction": ReductionPlan((rule(tiers=({"threshold": 100,
                                                          "discount_fen": 50},)),))}
    quote = run_pipeline(request, data, STEPS)
    assert quote.adjustments == () and quote.payable_fen == 10000
