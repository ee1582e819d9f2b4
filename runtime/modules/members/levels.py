"""Member levels (会员等级) and growth (成长值).

A member's level is the highest-ranked of: the level their growth reaches, and the level of
a paid card that is active now. Growth only changes through :func:`add_growth`, one ledger
row per idempotency key; every level change is recorded with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.members import locks
from runtime.modules.members.errors import MemberErrorCode, not_found
from runtime.modules.members.models import (
    GrowthEntry,
    Level,
    LevelChange,
    Member,
    MemberCard,
)
from runtime.modules.members.service import lock_member

LEVEL_FIELDS = ("name", "rank", "growth_threshold", "discount_percent", "free_shipping",
                "points_multiplier", "birthday_gift_points", "description")


@dataclass(frozen=True)
class LevelBenefits:
    """What a member's level gives them; ``discount_percent`` is what they pay (95 = 九五折)."""

    level_id: int | None
    level_name: str
    discount_percent: int = 100
    free_shipping: bool = False
    points_multiplier: Decimal = Decimal("1")
    birthday_gift_points: int = 0


@dataclass(frozen=True)
class GrowthResult:
    entry: GrowthEntry
    applied: bool  # False when the key had been used before (nothing changed)
    change: LevelChange | None


def list_levels(session: Session) -> list[Level]:
    return list(session.scalars(select(Level).order_by(Level.rank)))


def get_level(session: Session, level_id: int) -> Level:
    level = session.get(Level, level_id)
    if level is None:
        raise not_found("level", level_id, MemberErrorCode.LEVEL_NOT_FOUND)
    return level


def _clean_level(values: dict[str, Any], partial: bool) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {}
    errors.unknown(values, LEVEL_FIELDS)
    errors.require(values, () if partial else ("name", "rank", "growth_threshold"))
    if "name" in values:
        name = values["name"]
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40:
            errors.add("/name", "1-40 characters", "length")
        else:
            out["name"] = name.strip()
    for field, low, high in (("rank", 1, 100), ("growth_threshold", 0, 1_000_000_000),
                             ("discount_percent", 1, 100), ("birthday_gift_points", 0, 1_000_000)):
        if field in values:
            out[field] = errors.integer(values, field, low, high)
    if "free_shipping" in values:
        out["free_shipping"] = errors.boolean(values, "free_shipping")
    if "points_multiplier" in values:
        try:
            raw = values["points_multiplier"]
            if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                raise InvalidOperation
            mult = Decimal(str(raw))
            if not Decimal("0") <= mult <= Decimal("10") or mult != mult.quantize(Decimal("0.01")):
                raise InvalidOperation
            out["points_multiplier"] = mult
        except (InvalidOperation, ValueError):
            errors.add("/points_multiplier", "a number from 0 to 10 with at most two decimals",
                       "range")
    if "description" in values:
        d = values["description"]
        if not isinstance(d, str) or len(d) > 200:
            errors.add("/description", "at most 200 characters", "length")
        else:
            out["description"] = d
    errors.raise_if_any()
    return out


def _check_ladder(session: Session, candidate: Level) -> None:
    """Ranks are unique and a higher rank needs more growth."""
    for other in list_levels(session):
        if other.id == candidate.id:
            continue
        if other.rank == candidate.rank:
            raise ValidationFailed.single("/rank", f"rank {other.rank} is taken by "
                                                   f"'{other.name}'", "unique")
        if (other.rank < candidate.rank) != (other.growth_threshold < candidate.growth_threshold):
            side = "above" if other.rank < candidate.rank else "below"
            raise ValidationFailed.single(
                "/growth_threshold", f"must be {side} the threshold of '{other.name}' "
                                     f"({other.growth_threshold})", "order")


def create_level(session: Session, values: dict[str, Any]) -> Level:
    clean = _clean_level(values, partial=False)
    level = Level(**clean)
    _check_ladder(session, level)
    session.add(level)
    session.flush()
    recompute_all_levels(session, reason="levels_changed")
    return level


def update_level(session: Session, level_id: int, values: dict[str, Any]) -> Level:
    level = get_level(session, level_id)
    clean = _clean_level(values, partial=True)
    for key, value in clean.items():
        setattr(level, key, value)
    _check_ladder(session, level)
    session.flush()
    recompute_all_levels(session, reason="levels_changed")
    return level


def delete_level(session: Session, level_id: int) -> None:
    from runtime.modules.members.models import CardPlan

    level = get_level(session, level_id)
    if session.scalar(select(CardPlan.id).where(CardPlan.level_id == level.id).limit(1)):
        raise ValidationFailed.single("/level_id", "a membership card plan grants this level; "
                                                   "change the plan first",
                                      MemberErrorCode.LEVEL_IN_USE.value)
    session.delete(level)
    session.flush()
    recompute_all_levels(session, reason="levels_changed")


# --- computing a member's level -------------------------------------------------------------


def growth_level(levels: list[Level], growth: int) -> Level | None:
    reached = [lv for lv in levels if lv.growth_threshold <= growth]
    return max(reached, key=lambda lv: lv.rank) if reached else None


def active_card_levels(session: Session, member_ids: list[int],
                       now: datetime | None = None) -> dict[int, set[int]]:
    now = now or utcnow()
    rows = session.execute(select(MemberCard.member_id, MemberCard.level_id).where(
        MemberCard.member_id.in_(member_ids), MemberCard.starts_at <= now,
        MemberCard.expires_at > now))
    out: dict[int, set[int]] = {}
    for member_id, level_id in rows:
        out.setdefault(member_id, set()).add(level_id)
    return out


def effective_level(levels: list[Level], growth: int, card_level_ids: set[int]) -> Level | None:
    candidates = [lv for lv in levels if lv.id in card_level_ids]
    by_growth = growth_level(levels, growth)
    if by_growth is not None:
        candidates.append(by_growth)
    return max(candidates, key=lambda lv: lv.rank) if candidates else None


def _apply_level(session: Session, member: Member, target: Level | None,
                 reason: str) -> LevelChange | None:
    target_id = target.id if target is not None else None
    if member.level_id == target_id:
        return None
    change = LevelChange(member_id=member.id, from_level_id=member.level_id,
                         to_level_id=target_id, growth=member.growth, reason=reason)
    member.level_id = target_id
    session.add(change)
    session.flush()
    return change


def refresh_level(session: Session, member: Member, reason: str) -> LevelChange | None:
    """Set the (locked) member's level from growth and cards; records a change if any."""
    levels = list_levels(session)
    cards = active_card_levels(session, [member.id]).get(member.id, set())
    return _apply_level(session, member, effective_level(levels, member.growth, cards), reason)


def recompute_all_levels(session: Session, reason: str,
                         member_ids: list[int] | None = None) -> int:
    """Re-derive the level of every member (or of ``member_ids``), in batches; returns how
    many changed. Run after the level ladder changes and when cards expire."""
    levels = list_levels(session)
    changed = 0
    last_id = 0
    while True:
        query = select(Member.id).where(Member.id > last_id).order_by(Member.id).limit(500)
        if member_ids is not None:
            query = query.where(Member.id.in_(member_ids))
        batch = list(session.scalars(query))
        if not batch:
            return changed
        last_id = batch[-1]
        cards = active_card_levels(session, batch)
        for member in session.scalars(locks.members_for_update(batch)):
            target = effective_level(levels, member.growth, cards.get(member.id, set()))
            if _apply_level(session, member, target, reason) is not None:
                changed += 1


def benefits_of(session: Session, member: Member) -> LevelBenefits:
    level = session.get(Level, member.level_id) if member.level_id else None
    if level is None:
        return LevelBenefits(None, "")
    return LevelBenefits(level.id, level.name, level.discount_percent, level.free_shipping,
                         level.points_multiplier, level.birthday_gift_points)


def member_benefits(session: Session, member_id: int) -> LevelBenefits:
    """The level benefits the pricing pipeline and the points module apply to a member."""
    from runtime.modules.members.service import get_member

    return benefits_of(session, get_member(session, member_id))


# --- growth ---------------------------------------------------------------------------------


def add_growth(session: Session, member_id: int, delta: int, *, reason: str, key: str,
               ref_type: str = "", ref_id: str = "") -> GrowthResult:
    """Change a member's growth by ``delta`` (never below zero) under ``key``; re-derives the
    level. A key used before returns the original entry and changes nothing."""
    if not key or len(key) > 120:
        raise ValueError("an idempotency key of 1-120 characters is required")
    member = lock_member(session, member_id)
    existing = session.scalar(select(GrowthEntry).where(GrowthEntry.idempotency_key == key))
    if existing is not None:
        return GrowthResult(existing, False, None)
    applied = max(delta, -member.growth)
    member.growth += applied
    entry = GrowthEntry(member_id=member.id, delta=applied, balance_after=member.growth,
                        reason=reason, ref_type=ref_type, ref_id=ref_id, idempotency_key=key)
    session.add(entry)
    session.flush()
    change = refresh_level(session, member, reason=f"growth:{reason}")
    return GrowthResult(entry, True, change)
