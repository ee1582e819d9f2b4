"""Tags and segments: manual tags a merchant sets, rule tags and lifecycle stages recomputed
from purchase stats (by the ``members-recompute-segments`` job, or on demand).

Rules (``Tag.rule``), each over the purchases the orders module recorded:

- ``{"type": "spent_at_least", "min_fen": N, "days": D}`` — paid minus refunded >= N fen in
  the last D days;
- ``{"type": "bought_category", "category_id": C, "days": D | null}`` — any purchase with
  spend in category C (within D days, or ever);
- ``{"type": "orders_at_least", "count": N, "days": D | null}`` — at least N paid orders.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.members.errors import MemberErrorCode, not_found
from runtime.modules.members.models import (
    LifecycleStage,
    Member,
    MemberTag,
    Purchase,
    PurchaseCategory,
    Tag,
    TagKind,
)
from runtime.modules.members.settings import MemberSettings, member_settings

RULE_TYPES = ("spent_at_least", "bought_category", "orders_at_least")
MAX_DAYS = 3650


def validate_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise ValidationFailed.single("/rule", "a rule object is required", "type")
    kind = rule.get("type")
    if kind not in RULE_TYPES:
        raise ValidationFailed.single("/rule/type", f"one of {', '.join(RULE_TYPES)}", "enum")
    errors = FieldErrors()
    errors.unknown(rule, {"type", "days", {"spent_at_least": "min_fen",
                                           "bought_category": "category_id",
                                           "orders_at_least": "count"}[kind]}, at="/rule")
    out: dict[str, Any] = {"type": kind}
    if kind == "spent_at_least":
        out["min_fen"] = errors.integer(rule, "min_fen", 1, 10**11, at="/rule")
        out["days"] = errors.integer(rule, "days", 1, MAX_DAYS, at="/rule")
    elif kind == "bought_category":
        out["category_id"] = errors.integer(rule, "category_id", 1, 2**62, at="/rule")
        out["days"] = errors.integer(rule, "days", 1, MAX_DAYS, required=False, at="/rule")
    else:
        out["count"] = errors.integer(rule, "count", 1, 100000, at="/rule")
        out["days"] = errors.integer(rule, "days", 1, MAX_DAYS, required=False, at="/rule")
    errors.raise_if_any()
    return out


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40:
        raise ValidationFailed.single("/name", "1-40 characters", "length")
    return name.strip()


def list_tags(session: Session) -> list[Tag]:
    return list(session.scalars(select(Tag).order_by(Tag.kind, Tag.name)))


def get_tag(session: Session, tag_id: int) -> Tag:
    tag = session.get(Tag, tag_id)
    if tag is None:
        raise not_found("tag", tag_id, MemberErrorCode.TAG_NOT_FOUND)
    return tag


def create_tag(session: Session, name: Any, rule: Any = None) -> Tag:
    clean = _clean_name(name)
    tag = Tag(name=clean, kind=TagKind.RULE if rule is not None else TagKind.MANUAL,
              rule=validate_rule(rule) if rule is not None else None)
    try:
        with session.begin_nested():
            session.add(tag)
            session.flush()
    except IntegrityError:
        raise Conflict(f"a tag named '{clean}' exists", code=MemberErrorCode.TAG_NAME_TAKEN,
                       extra={"errors": [{"pointer": "/name", "message": "already taken",
                                          "code": "unique"}]}) from None
    if tag.kind == TagKind.RULE:
        recompute_rule_tags(session, [tag])
    return tag


def update_tag(session: Session, tag_id: int, *, name: Any = None, rule: Any = None) -> Tag:
    tag = get_tag(session, tag_id)
    if name is not None:
        clean = _clean_name(name)
        taken = session.scalar(select(Tag.id).where(Tag.name == clean, Tag.id != tag.id))
        if taken is not None:
            raise Conflict(f"a tag named '{clean}' exists", code=MemberErrorCode.TAG_NAME_TAKEN)
        tag.name = clean
    if rule is not None:
        if tag.kind != TagKind.RULE:
            raise ValidationFailed.single("/rule", "a manual tag has no rule",
                                          MemberErrorCode.TAG_IS_RULE.value)
        tag.rule = validate_rule(rule)
        session.flush()
        recompute_rule_tags(session, [tag])
    session.flush()
    return tag


def delete_tag(session: Session, tag_id: int) -> None:
    tag = get_tag(session, tag_id)
    session.execute(delete(MemberTag).where(MemberTag.tag_id == tag.id))
    session.delete(tag)
    session.flush()


def tag_members(session: Session, tag_id: int, member_ids: Iterable[int]) -> int:
    """Put a manual tag on members; returns how many were newly tagged."""
    tag = get_tag(session, tag_id)
    if tag.kind != TagKind.MANUAL:
        raise ValidationFailed.single("/tag_id", "rule tags are set by their rule",
                                      MemberErrorCode.TAG_IS_RULE.value)
    ids = set(member_ids)
    known = set(session.scalars(select(Member.id).where(Member.id.in_(ids))))
    if known != ids:
        raise ValidationFailed.single("/member_ids", f"unknown members "
                                      f"{sorted(ids - known)}", "unknown")
    have = set(session.scalars(select(MemberTag.member_id).where(MemberTag.tag_id == tag.id,
                                                                 MemberTag.member_id.in_(ids))))
    new = sorted(ids - have)
    session.add_all(MemberTag(member_id=m, tag_id=tag.id) for m in new)
    session.flush()
    return len(new)


def untag_members(session: Session, tag_id: int, member_ids: Iterable[int]) -> int:
    tag = get_tag(session, tag_id)
    if tag.kind != TagKind.MANUAL:
        raise ValidationFailed.single("/tag_id", "rule tags are set by their rule",
                                      MemberErrorCode.TAG_IS_RULE.value)
    return session.execute(delete(MemberTag).where(
        MemberTag.tag_id == tag.id, MemberTag.member_id.in_(list(member_ids)))).rowcount


def member_counts(session: Session) -> dict[int, int]:
    """How many members carry each tag."""
    return dict(session.execute(select(MemberTag.tag_id, func.count(MemberTag.id))
                                .group_by(MemberTag.tag_id)).all())


def tags_of(session: Session, member_ids: Iterable[int]) -> dict[int, list[Tag]]:
    out: dict[int, list[Tag]] = {}
    rows = session.execute(select(MemberTag.member_id, Tag).join(Tag, Tag.id == MemberTag.tag_id)
                           .where(MemberTag.member_id.in_(list(member_ids)))
                           .order_by(Tag.name))
    for member_id, tag in rows:
        out.setdefault(member_id, []).append(tag)
    return out


# --- rules ----------------------------------------------------------------------------------


def rule_member_ids(session: Session, rule: dict[str, Any], now: datetime) -> set[int]:
    """The members a rule selects now."""
    since = now - timedelta(days=rule["days"]) if rule.get("days") else None
    kind = rule["type"]
    if kind == "spent_at_least":
        net = func.sum(Purchase.paid_fen - Purchase.refunded_fen)
        query = (select(Purchase.member_id).where(Purchase.paid_at >= since)
                 .group_by(Purchase.member_id).having(net >= rule["min_fen"]))
    elif kind == "orders_at_least":
        query = select(Purchase.member_id).group_by(Purchase.member_id) \
            .having(func.count(Purchase.id) >= rule["count"])
        if since is not None:
            query = query.where(Purchase.paid_at >= since)
    else:
        query = (select(PurchaseCategory.member_id).distinct()
                 .join(Purchase, Purchase.id == PurchaseCategory.purchase_id)
                 .where(PurchaseCategory.category_id == rule["category_id"],
                        PurchaseCategory.amount_fen > 0))
        if since is not None:
            query = query.where(Purchase.paid_at >= since)
    return set(session.scalars(query))


def recompute_rule_tags(session: Session, tags: list[Tag] | None = None,
                        now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """Bring each rule tag's members in line with its rule; {tag id: (added, removed)}."""
    now = now or utcnow()
    tags = tags if tags is not None else list(session.scalars(
        select(Tag).where(Tag.kind == TagKind.RULE).order_by(Tag.id)))
    out: dict[int, tuple[int, int]] = {}
    for tag in tags:
        want = rule_member_ids(session, tag.rule or {}, now)
        have = set(session.scalars(select(MemberTag.member_id).where(MemberTag.tag_id == tag.id)))
        add, remove = sorted(want - have), sorted(have - want)
        session.add_all(MemberTag(member_id=m, tag_id=tag.id) for m in add)
        if remove:
            session.execute(delete(MemberTag).where(MemberTag.tag_id == tag.id,
                                                    MemberTag.member_id.in_(remove)))
        tag.recomputed_at = now
        out[tag.id] = (len(add), len(remove))
    session.flush()
    return out


def recompute_lifecycle(session: Session, now: datetime | None = None,
                        settings: MemberSettings | None = None) -> int:
    """Set every member's lifecycle stage from the last purchase date; returns rows changed."""
    now = now or utcnow()
    settings = settings or member_settings(session)
    active_since = now - timedelta(days=settings.active_days)
    dormant_since = now - timedelta(days=settings.dormant_days)
    changed = 0
    for stage, condition in (
        (LifecycleStage.NEW, Member.last_purchase_at.is_(None)),
        (LifecycleStage.ACTIVE, Member.last_purchase_at >= active_since),
        (LifecycleStage.DORMANT, (Member.last_purchase_at < active_since)
         & (Member.last_purchase_at >= dormant_since)),
        (LifecycleStage.LOST, Member.last_purchase_at < dormant_since),
    ):
        changed += session.execute(
            update(Member).where(condition, Member.lifecycle_stage != stage)
            .values(lifecycle_stage=stage).execution_options(synchronize_session=False)
        ).rowcount
    return changed


def recompute_segments(session: Session, now: datetime | None = None) -> dict[str, Any]:
    """The job's work for one shop: lifecycle stages, then every rule tag."""
    now = now or utcnow()
    stages = recompute_lifecycle(session, now)
    tags = recompute_rule_tags(session, now=now)
    return {"stages_changed": stages, "tags": tags}
