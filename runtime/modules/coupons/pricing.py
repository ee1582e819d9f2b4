"""The coupon step (优惠券, position 400) of the pricing pipeline.

``prepare`` loads the buyer's usable coupons with their templates in one query (and the
category tree in one more when a coupon is scoped to categories); ``apply`` is pure: for
each coupon it finds the matching lines, measures the threshold on what they cost after the
steps before (limited-time discount / member price, full reduction: ``state.line_payable``),
applies the chosen one and tells the best usable one and why the others cannot be used
(``quote.extras["coupons"]``). A coupon never brings the goods below 1 fen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.money import fen_text
from runtime.pricing import PricingLine, PricingRequest, PricingState, percent_of

LIMITED_DISCOUNT = "limited_discount:"


@dataclass(frozen=True)
class HeldCoupon:
    """A coupon the buyer holds, with its template's rules (plain data for ``apply``)."""

    id: int
    name: str
    kind: str
    amount_fen: int
    min_spend_fen: int
    discount_percent: int
    max_discount_fen: int
    scope: str
    product_ids: frozenset[int]
    category_ids: frozenset[int]  # with every category under them
    only_original_price: bool
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True)
class CouponOffer:
    coupons: tuple[HeldCoupon, ...]
    now: datetime


@dataclass(frozen=True)
class Verdict:
    coupon: HeldCoupon
    discount_fen: int = 0
    lines: tuple[str, ...] = ()
    code: str = ""
    reason: str = ""

    @property
    def usable(self) -> bool:
        return not self.code


def _with_children(parents: Mapping[int, int | None], roots: list[int]) -> frozenset[int]:
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for cid, parent in parents.items():
            if parent in found and cid not in found:
                found.add(cid)
                grew = True
    return frozenset(found)


def load_offer(session: Session, member_id: int, now: datetime) -> CouponOffer:
    """The member's unused coupons within their window, one query (+ the category tree
    when one is scoped to categories)."""
    from runtime.modules.catalog.models import Category
    from runtime.modules.coupons.models import CouponScope, CouponStatus, CouponTemplate
    from runtime.modules.coupons.models import MemberCoupon as MC

    rows = session.execute(
        select(MC.id, MC.valid_from, MC.valid_until, CouponTemplate)
        .join(CouponTemplate, CouponTemplate.id == MC.template_id)
        .where(MC.member_id == member_id, MC.status == CouponStatus.UNUSED,
               MC.valid_until > now)
        .order_by(MC.valid_until, MC.id).limit(100)).all()
    parents: dict[int, int | None] = {}
    if any(t.scope == CouponScope.CATEGORIES for *_, t in rows):
        parents = dict(session.execute(select(Category.id, Category.parent_id)).all())
    return CouponOffer(tuple(HeldCoupon(
        id=cid, name=t.name, kind=t.kind, amount_fen=t.amount_fen,
        min_spend_fen=t.min_spend_fen, discount_percent=t.discount_percent,
        max_discount_fen=t.max_discount_fen, scope=t.scope,
        product_ids=frozenset(t.product_ids or ()),
        category_ids=(_with_children(parents, list(t.category_ids or ()))
                      if t.scope == CouponScope.CATEGORIES else frozenset()),
        only_original_price=t.only_original_price, valid_from=start, valid_until=until)
        for cid, start, until, t in rows), now)


def _matches(coupon: HeldCoupon, line: PricingLine) -> bool:
    if coupon.scope == "products":
        return line.product_id in coupon.product_ids
    if coupon.scope == "except_products":
        return line.product_id not in coupon.product_ids
    if coupon.scope == "categories":
        return line.category_id in coupon.category_ids
    return True


def _yuan(fen: int) -> str:
    return f"¥{fen_text(fen).removesuffix('.00')}"


def judge(coupon: HeldCoupon, state: PricingState, now: datetime) -> Verdict:
    """Whether ``coupon`` can be used on the order as priced so far, and for how much."""
    if coupon.valid_from > now:
        return Verdict(coupon, code="not_started", reason="还未到可用时间")
    discounted = {k for a in state.adjustments if a.source.startswith(LIMITED_DISCOUNT)
                  for k in a.per_line} if coupon.only_original_price else set()
    keys = tuple(line.key for line in state.lines
                 if _matches(coupon, line) and line.key not in discounted
                 and state.line_payable[line.key] > 0)
    if not keys:
        reason = "仅限原价商品" if discounted else "订单中没有适用商品"
        return Verdict(coupon, code="no_matching_goods", reason=reason)
    base = sum(state.line_payable[k] for k in keys)
    if base < coupon.min_spend_fen:
        return Verdict(coupon, code="below_threshold",
                       reason=f"适用商品满{_yuan(coupon.min_spend_fen)}可用，"
                              f"还差{_yuan(coupon.min_spend_fen - base)}")
    if coupon.kind == "percent":
        amount = base - percent_of(base, coupon.discount_percent)
        if coupon.max_discount_fen:
            amount = min(amount, coupon.max_discount_fen)
    else:
        amount = min(coupon.amount_fen, base)
    amount = min(amount, state.goods_payable_fen - 1)  # never below 1 fen
    if amount <= 0:
        return Verdict(coupon, code="nothing_off", reason="订单金额已无法再优惠")
    return Verdict(coupon, amount, keys)


def _best(verdicts: list[Verdict]) -> Verdict | None:
    usable = [v for v in verdicts if v.usable]
    return min(usable, key=lambda v: (-v.discount_fen, v.coupon.valid_until, v.coupon.id),
               default=None)


class CouponStep:
    """One coupon per order (``request.coupon_id`` is a member coupon id). Skipped for an
    activity order; the coupon is marked used when the order is created (``hooks``)."""

    name = "coupons"
    position = 400

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> CouponOffer | None:
        if request.member_id is None or request.activity is not None:
            return None
        return load_offer(session, request.member_id, utcnow())

    def apply(self, state: PricingState) -> None:
        offer: CouponOffer | None = state.data.get(self.name)
        if offer is None or state.is_activity_order:
            return
        verdicts = [judge(c, state, offer.now) for c in offer.coupons]
        best = _best(verdicts)
        chosen_id = state.request.coupon_id
        chosen = next((v for v in verdicts if v.coupon.id == chosen_id), None)
        if chosen_id is not None:
            if chosen is None:
                state.error("/coupon_id", "you hold no such usable coupon",
                            "coupon_unavailable")
            elif not chosen.usable:
                state.error("/coupon_id", chosen.reason, chosen.code)
            else:
                state.add_adjustment(f"coupon:{chosen.coupon.id}", chosen.coupon.name,
                                     chosen.discount_fen, lines=chosen.lines,
                                     meta={"member_coupon_id": chosen.coupon.id})
        state.extras[self.name] = {
            "selected": chosen.coupon.id if chosen is not None and chosen.usable else None,
            "best": _summary(best) if best is not None else None,
            "usable": [_summary(v) for v in sorted(
                (v for v in verdicts if v.usable),
                key=lambda v: (-v.discount_fen, v.coupon.valid_until, v.coupon.id))],
            "unusable": [{**_summary(v), "code": v.code, "reason": v.reason}
                         for v in verdicts if not v.usable],
        }


def _summary(verdict: Verdict) -> dict[str, Any]:
    c = verdict.coupon
    return {"id": c.id, "name": c.name, "discount_fen": verdict.discount_fen,
            "valid_until": c.valid_until.isoformat()}


COUPONS = CouponStep()
