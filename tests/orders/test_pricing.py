"""The pricing pipeline (runtime.pricing) with the steps the modules contribute: exact
integer-fen sums, per-line allocation, ordered steps. Pure: no app, no database."""

from __future__ import annotations

import random

import pytest

from runtime.modules.fulfilment.pricing import Shipping
from runtime.modules.members.pricing import MemberLevelDiscount, MemberPricing
from runtime.modules.orders.pricing import CouponCheck
from runtime.modules.points.pricing import PointsDeduction, PointsOffer
from runtime.modules.wallet.pricing import BalanceCover
from runtime.pricing import (
    AdjustmentKind,
    FulfilmentMethod,
    PricingLine,
    PricingRequest,
    PricingState,
    ShippingCharge,
    ShippingPlan,
    allocate,
    percent_of,
    run_pipeline,
)

STEPS = [MemberLevelDiscount(), Shipping(), PointsDeduction(), BalanceCover(), CouponCheck()]


def line(key: str, price: int, qty: int = 1) -> PricingLine:
    return PricingLine(key=key, sku_id=int(key[1:]), product_id=int(key[1:]), title=key,
                       unit_price_fen=price, qty=qty)


def fee(charge: ShippingCharge) -> ShippingPlan:
    """What the shipping step's prepare would load: a fixed charge."""
    return ShippingPlan(lambda _state: charge)


def check_invariants(quote) -> None:
    assert quote.payable_fen == (quote.goods_total_fen - quote.discount_total_fen
                                 + quote.shipping_fen)
    assert sum(li.payable_fen for li in quote.lines) + quote.shipping_fen == quote.payable_fen
    for li in quote.lines:
        assert li.total_fen - li.discount_fen == li.payable_fen >= 0
        assert sum(li.adjustments.values()) == li.discount_fen
    for adj in quote.adjustments:
        assert sum(adj.per_line.values()) == adj.amount_fen
        assert sum(li.adjustments.get(adj.source, 0) for li in quote.lines) == adj.amount_fen
    assert quote.cash_due_fen + quote.balance_fen == quote.payable_fen


def test_allocate_floors_pro_rata_and_the_last_line_takes_the_remainder():
    assert allocate(100, [1, 1, 1]) == [33, 33, 34]
    assert allocate(10, [0, 5, 5]) == [0, 5, 5]
    assert allocate(10, [5, 5, 0]) == [5, 5, 0]  # the last line with a weight
    assert allocate(0, [3, 4]) == [0, 0]
    assert allocate(7, [700, 200, 100]) == [4, 1, 2]
    assert allocate(1450, [6629, 7871]) == [662, 788]  # the points step
    # the remainder (2) would exceed the last weight (1): the excess goes to earlier lines
    assert allocate(6, [3, 3, 1]) == [2, 3, 1]
    with pytest.raises(ValueError):
        allocate(1, [0, 0])
    with pytest.raises(ValueError):
        allocate(-1, [1])


def test_allocate_property_random():
    rng = random.Random(20261125)
    for _ in range(2000):
        weights = [rng.randint(0, 100_000) for _ in range(rng.randint(1, 12))]
        if sum(weights) == 0:
            continue
        amount = rng.randint(0, sum(weights))
        parts = allocate(amount, weights)
        assert sum(parts) == amount
        assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


def test_percent_of_rounds_half_up():
    assert percent_of(999, 95) == 949  # 949.05
    assert percent_of(10, 95) == 10  # 9.5 -> 10
    assert percent_of(12345, 88) == 10864  # 10863.6


def test_breakdown_member_discount_shipping_points_sums_exactly():
    request = PricingRequest(
        lines=(line("s1", 3333, 3), line("s2", 1999), line("s3", 1)), member_id=1,
        use_points=True)
    data = {"shipping": fee(ShippingCharge(800)),
            "member_level": MemberPricing(member_id=1, level_name="金卡", discount_percent=88),
            "points": PointsOffer(balance=1234, points_per_yuan=100, max_percent=50)}
    quote = run_pipeline(request, data, STEPS)
    check_invariants(quote)
    assert quote.goods_total_fen == 3333 * 3 + 1999 + 1 == 11999
    member = quote.adjustments[0]
    assert member.source == "member_level" and member.label == "金卡 会员折扣"
    assert member.amount_fen == 11999 - percent_of(11999, 88) == 1440
    points = quote.adjustments[1]
    assert points.kind == AdjustmentKind.POINTS
    assert points.amount_fen == 1234 and quote.points_used == 1234
    assert quote.points_deduction_fen == 1234
    assert quote.shipping_fen == 800
    assert quote.payable_fen == 11999 - 1440 - 1234 + 800
    assert quote.ok


def test_points_capped_by_percent_and_priced_in_whole_points():
    request = PricingRequest(lines=(line("s1", 1001),), use_points=True)
    quote = run_pipeline(request, {"points": PointsOffer(10**6, points_per_yuan=1000,
                                                         max_percent=30)}, STEPS)
    check_invariants(quote)
    assert quote.points_deduction_fen == 300  # 30 % of 1001, floored
    assert quote.points_used == 3000  # 1000 points per yuan -> 10 points per fen
    few = run_pipeline(request, {"points": PointsOffer(15, points_per_yuan=1000)}, STEPS)
    assert few.points_deduction_fen == 1 and few.points_used == 10  # never more than held


def test_points_unavailable_is_an_error_not_a_silent_skip():
    quote = run_pipeline(PricingRequest(lines=(line("s1", 100),), use_points=True), {}, STEPS)
    assert not quote.ok
    assert quote.errors[0].pointer == "/use_points"
    assert quote.payable_fen == 100


def test_member_free_shipping_waives_the_fee():
    request = PricingRequest(lines=(line("s1", 500),), member_id=1)
    quote = run_pipeline(request, {"shipping": fee(ShippingCharge(1200)),
                                   "member_level": MemberPricing(1, "钻石", 100,
                                                                 free_shipping=True)}, STEPS)
    assert quote.shipping_fen == 0
    assert quote.shipping_detail["waived_fee_fen"] == 1200
    assert quote.shipping_detail["waived_by"] == "member_level"


def test_unavailable_fulfilment_is_reported_on_fulfilment():
    request = PricingRequest(lines=(line("s1", 500),), fulfilment=FulfilmentMethod.LOCAL)
    quote = run_pipeline(request, {"shipping": fee(ShippingCharge(0, False, "超出配送范围"))},
                         STEPS)
    assert [e.pointer for e in quote.errors] == ["/fulfilment"]
    assert "超出配送范围" in quote.errors[0].message


def test_balance_covers_whole_payable_or_errors():
    request = PricingRequest(lines=(line("s1", 500),), use_balance=True)
    ok = run_pipeline(request, {"shipping": fee(ShippingCharge(100)), "balance": 600}, STEPS)
    assert ok.balance_fen == 600 and ok.cash_due_fen == 0
    short = run_pipeline(request, {"shipping": fee(ShippingCharge(100)), "balance": 599},
                         STEPS)
    assert short.errors[0].code == "insufficient_balance" and short.balance_fen == 0


class HalfOffSecondLine:
    """A promotion a later module might register: 50 % off one line, between member price
    and shipping."""

    name = "promo"
    position = 300

    def apply(self, state: PricingState) -> None:
        key = state.lines[-1].key
        state.add_adjustment("promotion:7", "第二件半价", state.line_payable[key] // 2,
                             lines=[key])


def test_a_plugged_in_step_runs_in_position_and_stays_exact():
    request = PricingRequest(lines=(line("s1", 999), line("s2", 777)), member_id=1,
                             use_points=True)
    steps = sorted([*STEPS, HalfOffSecondLine()], key=lambda s: s.position)
    quote = run_pipeline(request, {"points": PointsOffer(50),
                                   "member_level": MemberPricing(1, "银卡", 95)}, steps)
    check_invariants(quote)
    assert [a.source for a in quote.adjustments] == ["member_level", "promotion:7", "points"]
    promo = quote.adjustments[1]
    assert set(promo.per_line) == {"s2"}


def test_random_pipelines_always_sum_exactly():
    rng = random.Random(7)
    for _ in range(300):
        lines = tuple(line(f"s{i}", rng.randint(1, 50_000), rng.randint(1, 5))
                      for i in range(1, rng.randint(2, 8)))
        request = PricingRequest(lines=lines, use_points=rng.random() < 0.7, member_id=1)
        data = {"shipping": fee(ShippingCharge(rng.randint(0, 2000))),
                "member_level": MemberPricing(1, "L", rng.randint(50, 100)),
                "points": PointsOffer(rng.randint(0, 100_000), rng.choice([1, 10, 100, 1000]),
                                      rng.randint(0, 100))}
        check_invariants(run_pipeline(request, data, STEPS))


class TenOffCoupon:
    """What a coupons module would register: 10 yuan off coupon 42 over 50 yuan."""

    name = "coupon"
    position = 400

    def apply(self, state: PricingState) -> None:
        if state.request.coupon_id == 42 and state.goods_payable_fen >= 5000:
            state.add_adjustment("coupon:42", "满50减10", 1000)


def test_a_coupon_nobody_applied_is_an_error():
    request = PricingRequest(lines=(line("s1", 6000),), coupon_id=42)
    assert run_pipeline(request, {}, STEPS).errors[0].code == "coupon_unavailable"
    steps = sorted([*STEPS, TenOffCoupon()], key=lambda s: s.position)
    quote = run_pipeline(request, {}, steps)
    assert quote.ok and quote.payable_fen == 5000
    check_invariants(quote)


class SkuOffer:
    """A stage-2 step the way a limited-time discount registers: a price per line."""

    name = "limited"
    position = 110

    def __init__(self, prices: dict[str, int]) -> None:
        self.prices = prices

    def apply(self, state: PricingState) -> None:
        for ln in state.lines:
            if ln.key in self.prices:
                state.offer(ln.key, "limited_discount:3", "限时折扣",
                            (ln.unit_price_fen - self.prices[ln.key]) * ln.qty)


def test_stage2_takes_per_line_the_larger_saving_never_both():
    request = PricingRequest(lines=(line("s1", 10000), line("s2", 5000, 2), line("s3", 1000)),
                             member_id=1)
    steps = sorted([*STEPS, SkuOffer({"s1": 8000, "s3": 990})], key=lambda s: s.position)
    quote = run_pipeline(request, {"member_level": MemberPricing(1, "银卡", 95)}, steps)
    check_invariants(quote)
    by_key = {li.key: li for li in quote.lines}
    # s1: discount 2000 > member 500; s2: member only; s3: member 50 > discount 10
    assert by_key["s1"].adjustments == {"limited_discount:3": 2000}
    assert by_key["s2"].adjustments == {"member_level": 500}
    assert by_key["s3"].adjustments == {"member_level": 50}
    assert [a.source for a in quote.adjustments] == ["member_level", "limited_discount:3"]
    assert all(len(li.adjustments) == 1 for li in quote.lines)


def test_stage2_offers_are_resolved_before_later_steps_and_never_after():
    request = PricingRequest(lines=(line("s1", 999), line("s2", 777)), member_id=1)
    steps = sorted([*STEPS, HalfOffSecondLine()], key=lambda s: s.position)
    quote = run_pipeline(request, {"member_level": MemberPricing(1, "银卡", 95)}, steps)
    promo = quote.adjustments[1]
    # the half-off step saw s2 after its member price (777 -> 738)
    assert promo.per_line == {"s2": 738 // 2}

    class LateOffer:
        name = "late"
        position = 300

        def apply(self, state: PricingState) -> None:
            state.offer("s1", "late", "late", 1)

    with pytest.raises(RuntimeError):
        run_pipeline(request, {}, [LateOffer()])
