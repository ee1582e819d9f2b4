"""Paid membership cards (付费会员卡): a plan grants a level for a number of days.

A card bought while another of the same plan is active starts when that one ends, so
buying twice stacks. While a card is active the member's level is at least its level;
``expire_cards`` (a periodic job) puts members back on their growth level afterwards.
Cards are paid with the stored-value balance (the wallet module's
:func:`runtime.modules.wallet.cards.buy_with_balance`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.fielderrors import FieldErrors
from runtime.modules.members.errors import MemberErrorCode, not_found
from runtime.modules.members.levels import get_level, recompute_all_levels, refresh_level
from runtime.modules.members.models import CardPlan, Member, MemberCard
from runtime.modules.members.service import lock_member

PLAN_FIELDS = ("name", "level_id", "price_fen", "days", "is_active")


def list_plans(session: Session, active_only: bool = False) -> list[CardPlan]:
    query = select(CardPlan).order_by(CardPlan.price_fen, CardPlan.id)
    if active_only:
        query = query.where(CardPlan.is_active.is_(True))
    return list(session.scalars(query))


def get_plan(session: Session, plan_id: int) -> CardPlan:
    plan = session.get(CardPlan, plan_id)
    if plan is None:
        raise not_found("card plan", plan_id, MemberErrorCode.CARD_PLAN_NOT_FOUND)
    return plan


def _clean_plan(session: Session, values: dict[str, Any], partial: bool) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    errors.unknown(values, PLAN_FIELDS)
    errors.require(values, () if partial else ("name", "level_id", "price_fen", "days"))
    if "name" in values:
        if not isinstance(values["name"], str) or not 1 <= len(values["name"].strip()) <= 40:
            errors.add("/name", "1-40 characters", "length")
        else:
            out["name"] = values["name"].strip()
    for name, low, high in (("price_fen", 1, 100_000_000), ("days", 1, 3660),
                            ("level_id", 1, 2**62)):
        if name in values:
            out[name] = errors.integer(values, name, low, high)
    if "is_active" in values:
        out["is_active"] = errors.boolean(values, "is_active")
    errors.raise_if_any()
    if "level_id" in out:
        get_level(session, out["level_id"])
    return out


def create_plan(session: Session, values: dict[str, Any]) -> CardPlan:
    plan = CardPlan(**_clean_plan(session, values, partial=False))
    session.add(plan)
    session.flush()
    return plan


def update_plan(session: Session, plan_id: int, values: dict[str, Any]) -> CardPlan:
    plan = get_plan(session, plan_id)
    for key, value in _clean_plan(session, values, partial=True).items():
        setattr(plan, key, value)
    session.flush()
    return plan


def active_cards(session: Session, member_id: int, now: datetime | None = None
                 ) -> list[MemberCard]:
    now = now or utcnow()
    return list(session.scalars(select(MemberCard).where(
        MemberCard.member_id == member_id, MemberCard.expires_at > now)
        .order_by(MemberCard.starts_at)))


def card_summary(session: Session, member_id: int, now: datetime | None = None
                 ) -> dict[str, Any]:
    """What the user card shows, in one statement: ``card`` (the name of the card running
    now and the end of the last one stacked after it) or None, and ``cards_on_sale``
    (whether the shop sells any card: the 开通会员卡 entry)."""
    now = now or utcnow()
    running = (select(CardPlan.name).join(MemberCard, MemberCard.plan_id == CardPlan.id)
               .where(MemberCard.member_id == member_id, MemberCard.starts_at <= now,
                      MemberCard.expires_at > now)
               .order_by(MemberCard.expires_at.desc()).limit(1).scalar_subquery())
    until = (select(func.max(MemberCard.expires_at))
             .where(MemberCard.member_id == member_id, MemberCard.expires_at > now)
             .scalar_subquery())
    on_sale = select(CardPlan.id).where(CardPlan.is_active.is_(True)).exists()
    name, expires_at, sells = session.execute(select(running, until, on_sale)).one()
    card = ({"name": name, "expires_at": expires_at.isoformat()}
            if name is not None and expires_at is not None else None)
    return {"card": card, "cards_on_sale": bool(sells)}


def grant_card(session: Session, member_id: int, plan_id: int, *, key: str,
               payment_ref: str = "") -> MemberCard:
    """Give a member a card of ``plan_id`` (once per ``key``) and lift their level."""
    if not key or len(key) > 120:
        raise ValueError("an idempotency key of 1-120 characters is required")
    member = lock_member(session, member_id)
    existing = session.scalar(select(MemberCard).where(MemberCard.idempotency_key == key))
    if existing is not None:
        return existing
    plan = get_plan(session, plan_id)
    now = utcnow()
    latest = session.scalar(select(func.max(MemberCard.expires_at)).where(
        MemberCard.member_id == member.id, MemberCard.plan_id == plan.id,
        MemberCard.expires_at > now))
    starts = latest if latest is not None else now
    card = MemberCard(member_id=member.id, plan_id=plan.id, level_id=plan.level_id,
                      price_fen=plan.price_fen, starts_at=starts,
                      expires_at=starts + timedelta(days=plan.days), idempotency_key=key,
                      payment_ref=payment_ref[:64])
    session.add(card)
    session.flush()
    refresh_level(session, member, reason="card_granted")
    return card


def expire_cards(session: Session, now: datetime | None = None) -> int:
    """Members whose card has run out and who still hold its level go back to the level
    their growth (or another active card) gives; returns how many changed."""
    now = now or utcnow()
    candidates = list(session.scalars(
        select(Member.id).distinct().join(MemberCard, MemberCard.member_id == Member.id)
        .where(MemberCard.expires_at <= now, Member.level_id == MemberCard.level_id)))
    if not candidates:
        return 0
    return recompute_all_levels(session, reason="card_expired", member_ids=candidates)
