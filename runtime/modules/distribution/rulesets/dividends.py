"""Partner dividends (合伙人分红), once per shop-local month.

- **Eligible sales** of a period: order lines of completed orders whose after-sales window
  (``completed_at + after_sale_days``) ended in the period, at what was paid for the goods
  less what was refunded. A partner's **team** is the buyers whose order snapshotted them as
  level-1 or level-2 referrer (two levels deep).
- **Pool** = ``floor(sales × dividend_pool_rate %)`` plus what the last run left.
- Each **tier** takes ``floor(pool × share_rate %)``. A partner qualifies in a period by
  ``team_sales`` (their team's eligible sales ≥ ``threshold`` fen), ``direct_partners``
  (≥ ``threshold`` partners they referred directly) or ``manual`` (always). Scope ``shop``:
  the tier's pot is split among its qualified partners, ``equal`` or ``weighted`` by team
  sales; scope ``team``: each gets the tier's share of their own team's sales
  (``floor(pot × team / sales)``), scaled down to the pot if the teams overlap past it.
- Every amount floors to the fen; the **remainder** (rounding, tiers nobody qualified for,
  shares under 100 %) stays in the pool for the next period.

A run is one transaction: the run row (unique per period — a second run of the period
returns the first), a payout per partner and a ledger entry crediting their available
balance (key ``dividend-<run>-<member>``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.distribution import ledger
from runtime.modules.distribution.models import Binding, OrderUplines
from runtime.modules.distribution.rulesets.models import (
    DividendPayout,
    DividendRun,
    DividendTier,
    Partner,
)
from runtime.modules.distribution.rulesets.settings import ruleset_settings
from runtime.modules.distribution.service import distributor_of
from runtime.shoptime import local_midnight, local_today, shop_zone

HUNDRED = Decimal(100)
QUALIFICATIONS = ("team_sales", "direct_partners", "manual")


def floor_fen(value: Decimal) -> int:
    return int(value.to_integral_value(ROUND_FLOOR))


# --- the plan (pure) --------------------------------------------------------------------------


@dataclass
class TierPlan:
    tier_id: int
    share_rate: Decimal
    scope: str = "shop"
    split: str = "equal"
    weights: dict[int, int] = field(default_factory=dict)  # qualified member -> team sales


def _split(pot: int, weights: dict[int, int], by_weight: bool) -> dict[int, int]:
    total = sum(weights.values())
    if not weights:
        return {}
    if not by_weight or total <= 0:
        each = pot // len(weights)
        return dict.fromkeys(weights, each)
    return {m: pot * w // total for m, w in weights.items()}


def plan(pool_fen: int, sales_fen: int, tiers: list[TierPlan]) -> dict[int, tuple[int, int]]:
    """(tier id, amount) per member; a member in two tiers keeps the first."""
    out: dict[int, tuple[int, int]] = {}
    for tier in tiers:
        weights = {m: w for m, w in tier.weights.items() if m not in out}
        pot = floor_fen(Decimal(pool_fen) * tier.share_rate / HUNDRED)
        if tier.scope == "team":
            wanted = {m: pot * w // sales_fen if sales_fen > 0 else 0 for m, w in weights.items()}
            amounts = wanted if sum(wanted.values()) <= pot else _split(pot, weights, True)
        else:
            amounts = _split(pot, weights, tier.split == "weighted")
        for member, amount in amounts.items():
            out[member] = (tier.tier_id, amount)
    return out


# --- periods and sales ------------------------------------------------------------------------


def period_bounds(session: Session, period: str) -> tuple[datetime, datetime]:
    """The shop-local month ``YYYY-MM`` as [start, end)."""
    try:
        year, month = (int(x) for x in period.split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise ValidationFailed.single("/period", "a month as YYYY-MM", "format") from None
    following = date(year + month // 12, month % 12 + 1, 1)
    zone = shop_zone(session)
    return local_midnight(zone, first), local_midnight(zone, following)


def last_period(session: Session, now: datetime | None = None) -> str:
    today = local_today(shop_zone(session), now)
    previous = today.replace(day=1) - timedelta(days=1)
    return f"{previous.year:04d}-{previous.month:02d}"


@dataclass(frozen=True)
class Sales:
    total_fen: int
    team_fen: dict[int, int]


def eligible_sales(session: Session, start: datetime, end: datetime,
                   after_sale_days: int) -> Sales:
    """Goods paid less refunds of orders whose window ended in [start, end), and per
    referrer (level 1 or 2) the part their team bought."""
    from runtime.modules.aftersales.ledger import line_states
    from runtime.modules.orders.models import Order, OrderLine, OrderStatus

    window = timedelta(days=after_sale_days)
    rows = session.execute(select(OrderLine.id, OrderLine.order_id, OrderLine.payable_fen)
                           .join(Order, Order.id == OrderLine.order_id)
                           .where(Order.status == OrderStatus.COMPLETED,
                                  Order.completed_at >= start - window,
                                  Order.completed_at < end - window)).all()
    order_ids = sorted({r.order_id for r in rows})
    refunded = {k: v.refunded_fen for k, v in line_states(session, order_ids).items()}
    per_order: dict[int, int] = defaultdict(int)
    for line_id, order_id, payable in rows:
        per_order[order_id] += max(payable - refunded.get(line_id, 0), 0)
    team: dict[int, int] = defaultdict(int)
    for chunk in range(0, len(order_ids), 500):
        for up in session.scalars(select(OrderUplines).where(
                OrderUplines.order_id.in_(order_ids[chunk:chunk + 500]))):
            for member in {up.referrer1_member_id, up.referrer2_member_id} - {None}:
                team[member] += per_order[up.order_id]
    return Sales(sum(per_order.values()), dict(team))


# --- tiers and partners (the console's) -------------------------------------------------------


def save_tier(session: Session, data: dict[str, Any], tier_id: int | None = None
              ) -> DividendTier:
    """Create or change a tier; all tiers' shares together stay within 100 %."""
    errors = FieldErrors()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 32:
        errors.add("/name", "a name of 1 to 32 characters", "required")
    try:
        share = Decimal(str(data.get("share_rate")))
        if not share.is_finite() or share <= 0 or share > 100 \
                or share != share.quantize(Decimal("0.01")):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        share = Decimal(0)
        errors.add("/share_rate", "a percentage above 0, at most 100, 2 decimals")
    choices = {"qualification": QUALIFICATIONS, "scope": ("shop", "team"),
               "split": ("equal", "weighted")}
    picked = {}
    for key, allowed in choices.items():
        value = data.get(key, allowed[-1] if key == "qualification" else allowed[0])
        if value not in allowed:
            errors.add(f"/{key}", f"one of {', '.join(allowed)}", "enum")
        picked[key] = value
    threshold = errors.integer(data, "threshold", 0, 10**12, required=False) or 0
    others = session.scalar(select(func.coalesce(func.sum(DividendTier.share_rate), 0))
                            .where(DividendTier.id != (tier_id or 0))) or 0
    if share and Decimal(str(others)) + share > HUNDRED:
        errors.add("/share_rate", f"the tiers' shares would exceed 100 % ({others} % taken)",
                   "too_large")
    errors.raise_if_any()
    row = session.get(DividendTier, tier_id) if tier_id else DividendTier()
    if row is None:
        raise NotFound("no such tier")
    row.name, row.share_rate, row.threshold = name.strip(), share, threshold
    row.qualification, row.scope, row.split = (picked["qualification"], picked["scope"],
                                               picked["split"])
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise ValidationFailed.single("/name", "another tier has this name", "duplicate") \
            from None
    return row


def set_partner(session: Session, member_id: Any, tier_id: Any) -> Partner:
    """Name a distributor partner of a tier (or move them to another)."""
    if isinstance(member_id, bool) or not isinstance(member_id, int) \
            or distributor_of(session, member_id) is None:
        raise ValidationFailed.single("/member_id", "a distributor's member id",
                                      "not_distributor")
    if isinstance(tier_id, bool) or not isinstance(tier_id, int) \
            or session.get(DividendTier, tier_id) is None:
        raise ValidationFailed.single("/tier_id", "no such tier", "not_found")
    row = session.scalar(select(Partner).where(Partner.member_id == member_id))
    if row is None:
        row = Partner(member_id=member_id, tier_id=tier_id)
        session.add(row)
    row.tier_id = tier_id
    session.flush()
    return row


def remove_partner(session: Session, member_id: int) -> None:
    row = session.scalar(select(Partner).where(Partner.member_id == member_id))
    if row is None:
        raise NotFound("no such partner")
    session.delete(row)
    session.flush()


# --- a run --------------------------------------------------------------------------------------


def _tier_plans(session: Session, sales: Sales) -> list[TierPlan]:
    tiers = list(session.scalars(select(DividendTier).order_by(DividendTier.share_rate.desc(),
                                                               DividendTier.id)))
    partners = list(session.scalars(select(Partner)))
    partner_ids = {p.member_id for p in partners}
    direct = defaultdict(int)
    if partner_ids:
        for referrer in session.scalars(select(Binding.referrer_member_id).where(
                Binding.member_id.in_(partner_ids))):
            direct[referrer] += 1
    plans = []
    for tier in tiers:
        weights = {}
        for p in partners:
            if p.tier_id != tier.id:
                continue
            team = sales.team_fen.get(p.member_id, 0)
            if tier.qualification == "manual" \
                    or (tier.qualification == "team_sales" and team >= tier.threshold) \
                    or (tier.qualification == "direct_partners"
                        and direct[p.member_id] >= tier.threshold):
                weights[p.member_id] = team
        plans.append(TierPlan(tier.id, Decimal(tier.share_rate), tier.scope, tier.split,
                              weights))
    return plans


def run(session: Session, period: str, now: datetime | None = None) -> DividendRun:
    """Pay ``period``'s dividend once (the existing run when it was paid before)."""
    start, end = period_bounds(session, period)
    existing = session.scalar(select(DividendRun).where(DividendRun.period == period))
    if existing is not None:
        return existing
    now = now or utcnow()
    settings = ruleset_settings(session)
    sales = eligible_sales(session, start, end, settings.after_sale_days)
    last = session.scalar(select(DividendRun).where(DividendRun.period < period)
                          .order_by(DividendRun.period.desc()).limit(1))
    carried = last.remainder_fen if last is not None else 0
    pool = floor_fen(Decimal(sales.total_fen) * settings.dividend_pool_rate / HUNDRED) + carried
    planned = plan(pool, sales.total_fen, _tier_plans(session, sales))
    locked = ledger.lock_distributors(session, [m for m, v in planned.items() if v[1] > 0])
    amounts = {m: v for m, v in planned.items() if v[1] > 0 and m in locked}
    paid = sum(v[1] for v in amounts.values())
    try:
        with session.begin_nested():
            row = DividendRun(period=period, sales_fen=sales.total_fen, pool_fen=pool,
                              carried_fen=carried, paid_fen=paid, remainder_fen=pool - paid,
                              ran_at=now)
            session.add(row)
            session.flush()
    except IntegrityError:  # a concurrent run of the same period won
        return session.scalar(select(DividendRun).where(DividendRun.period == period))
    for member, (tier_id, amount) in sorted(amounts.items()):
        session.add(DividendPayout(run_id=row.id, member_id=member, tier_id=tier_id,
                                   weight_fen=sales.team_fen.get(member, 0), amount_fen=amount))
        ledger.post(session, locked[member], "dividend", f"dividend-{row.id}-{member}",
                    available=amount)
    session.flush()
    return row


def run_last_period(session: Session, now: datetime | None = None) -> DividendRun | None:
    """The monthly job: last month's run, once, while dividends are on."""
    if not ruleset_settings(session).dividends:
        return None
    return run(session, last_period(session, now), now)
