"""The promotions' pricing steps: the limited-time discount (stage 2, position 110: a
per-line offer against the member price, the larger saving wins) and the full reduction
(position 300, on the lines' pay prices after stage 2). Activity orders skip both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.promotions.models import (
    ActivityStatus,
    DiscountCounter,
    DiscountItem,
    LimitedDiscount,
)
from runtime.modules.promotions.service import (
    discounted_price,
    live_full_reductions,
    tier_label,
)
from runtime.pricing import PricingRequest, PricingState, percent_of


@dataclass(frozen=True)
class SkuDiscount:
    """A SKU's item in the discount running now, and how many units the member may still
    buy at its price (None: no per-member limit)."""

    discount_id: int
    tag: str
    mode: str
    value: int
    left: int | None = None


@dataclass(frozen=True)
class ReductionRule:
    """A full reduction running now (what :class:`FullReductionStep` needs of it)."""

    id: int
    name: str
    condition: str
    scope: str
    product_ids: frozenset[int]
    tiers: tuple[Mapping[str, Any], ...]
    repeat: bool = False
    max_discount_fen: int | None = None

    def matches(self, product_id: int) -> bool:
        if self.scope == "include":
            return product_id in self.product_ids
        if self.scope == "exclude":
            return product_id not in self.product_ids
        return True


@dataclass(frozen=True)
class TierOutcome:
    tier: Mapping[str, Any]
    amount_fen: int
    times: int = 1


def reduction_outcome(rule: ReductionRule, base_fen: int, items: int) -> TierOutcome | None:
    """The tier ``rule`` gives lines worth ``base_fen`` (``items`` units): the highest tier
    reached only, or with ``repeat`` its discount per whole multiple, capped."""
    measure = items if rule.condition == "count" else base_fen
    reached = [t for t in rule.tiers if measure >= t["threshold"]]
    if not reached:
        return None
    tier = max(reached, key=lambda t: t["threshold"])
    if rule.repeat:
        times = measure // tier["threshold"]
        amount = times * (tier.get("discount_fen") or 0)
        if rule.max_discount_fen:
            amount = min(amount, rule.max_discount_fen)
        return TierOutcome(tier, amount, times)
    if tier.get("discount_pct"):
        return TierOutcome(tier, base_fen - percent_of(base_fen, tier["discount_pct"]))
    return TierOutcome(tier, tier.get("discount_fen") or 0)


class LimitedDiscountStep:
    """限时折扣: each line of a SKU in a running discount is offered its discount price
    (for at most the units the member's limit leaves); stage 2 keeps per line the larger
    of this and the member price."""

    name = "limited_discount"
    position = 110

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> dict[int, SkuDiscount] | None:
        if request.activity is not None or not request.lines:
            return None
        return sku_discounts(session, [ln.sku_id for ln in request.lines], request.member_id)

    def apply(self, state: PricingState) -> None:
        plan: Mapping[int, SkuDiscount] | None = state.data.get(self.name)
        if not plan or state.is_activity_order:
            return
        left = {d.discount_id: d.left for d in plan.values()}
        units: dict[int, dict[str, int]] = {}
        offers = []
        for line in state.lines:
            item = plan.get(line.sku_id)
            if item is None:
                continue
            price = discounted_price(item.mode, item.value, line.unit_price_fen)
            allowed = left[item.discount_id]
            n = line.qty if allowed is None else min(line.qty, allowed)
            if allowed is not None:
                left[item.discount_id] = allowed - n
            if n <= 0 or price >= line.unit_price_fen:
                continue
            units.setdefault(item.discount_id, {})[str(line.sku_id)] = n
            offers.append((line, item, (line.unit_price_fen - price) * n))
        for line, item, saving in offers:
            state.offer(line.key, f"limited_discount:{item.discount_id}", item.tag, saving,
                        {"discount_id": item.discount_id, "units": units[item.discount_id]})


def sku_discounts(session: Session, sku_ids: Sequence[int], member_id: int | None
                  ) -> dict[int, SkuDiscount]:
    """The running discount items of ``sku_ids`` (one query) and, for discounts with a
    per-member limit, the member's units left (one more query, only then)."""
    now = utcnow()
    rows = session.execute(
        select(DiscountItem.sku_id, DiscountItem.mode, DiscountItem.value, LimitedDiscount.id,
               LimitedDiscount.tag, LimitedDiscount.per_member_limit)
        .join(LimitedDiscount, LimitedDiscount.id == DiscountItem.discount_id)
        .where(DiscountItem.sku_id.in_(sorted(set(sku_ids))),
               LimitedDiscount.status.not_in(ActivityStatus.FINAL),
               LimitedDiscount.starts_at <= now, LimitedDiscount.ends_at > now)
        .order_by(LimitedDiscount.id)).all()
    limits = {r.id: r.per_member_limit for r in rows if r.per_member_limit is not None}
    used: dict[int, int] = {}
    if limits and member_id is not None:
        used = dict(session.execute(select(DiscountCounter.discount_id, DiscountCounter.used)
                                    .where(DiscountCounter.member_id == member_id,
                                           DiscountCounter.discount_id.in_(limits))).all())
    result: dict[int, SkuDiscount] = {}
    for r in rows:
        left = None
        if r.per_member_limit is not None:
            left = 0 if member_id is None else max(r.per_member_limit - used.get(r.id, 0), 0)
        result.setdefault(r.sku_id, SkuDiscount(r.id, r.tag, r.mode, r.value, left))
    return result


@dataclass(frozen=True)
class ReductionPlan:
    rules: tuple[ReductionRule, ...] = field(default_factory=tuple)


class FullReductionStep:
    """满减/满折: each line belongs to the first running full reduction whose scope takes it;
    each reduction measures its lines (pay price after stage 2, or units) and takes off its
    tier's discount, split over those lines; a tier's free shipping waives the fee, its
    points and coupons are given after payment (``hooks.order_paid``)."""

    name = "full_reduction"
    position = 300

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> ReductionPlan | None:
        if request.activity is not None or not request.lines:
            return None
        return ReductionPlan(tuple(
            ReductionRule(r.id, r.name, r.condition, r.scope, frozenset(r.product_ids),
                          tuple(r.tiers), r.repeat, r.max_discount_fen)
            for r in live_full_reductions(session, utcnow())))

    def apply(self, state: PricingState) -> None:
        plan: ReductionPlan | None = state.data.get(self.name)
        if plan is None or not plan.rules or state.is_activity_order:
            return
        taken: set[str] = set()
        for rule in plan.rules:
            keys = [ln.key for ln in state.lines
                    if ln.key not in taken and rule.matches(ln.product_id)]
            if not keys:
                continue
            taken.update(keys)
            base = sum(state.line_payable[k] for k in keys)
            items = sum(ln.qty for ln in state.lines if ln.key in keys)
            outcome = reduction_outcome(rule, base, items)
            if outcome is None:
                continue
            tier = outcome.tier
            source = f"full_reduction:{rule.id}"
            if tier.get("free_shipping"):
                state.free_shipping_by = source
            gifts = bool(tier.get("free_shipping") or tier.get("give_points")
                         or tier.get("give_coupons"))
            state.add_adjustment(
                source, tier_label(rule.condition, rule.repeat, tier), outcome.amount_fen,
                lines=keys, keep_empty=gifts,
                meta={"reduction_id": rule.id, "threshold": tier["threshold"],
                      "times": outcome.times, "free_shipping": bool(tier.get("free_shipping")),
                      "give_points": tier.get("give_points") or 0,
                      "give_coupons": list(tier.get("give_coupons") or [])})


LIMITED_DISCOUNT = LimitedDiscountStep()
FULL_REDUCTION = FullReductionStep()
