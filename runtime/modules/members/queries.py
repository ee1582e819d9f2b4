"""The member list: search and filters (level, tag, lifecycle stage, spend), one page at a
time, with the level, tags and balances of the page loaded in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, ValidationFailed
from runtime.modules.members.models import Level, LifecycleStage, Member, MemberTag, Tag

SORTS = {
    "newest": (Member.id.desc(),),
    "spent": (Member.total_spent_fen.desc(), Member.id.desc()),
    "growth": (Member.growth.desc(), Member.id.desc()),
    "last_purchase": (Member.last_purchase_at.desc(), Member.id.desc()),
}
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    level_id: int | None = None
    tag_id: int | None = None
    stage: str = ""
    min_spent_fen: int | None = None
    max_spent_fen: int | None = None
    sort: str = "newest"

    @classmethod
    def parse(cls, args: Mapping[str, Any]) -> MemberFilters:
        """From query-string values; a 422 names each bad one."""
        errors: list[FieldError] = []

        def integer(name: str) -> int | None:
            raw = args.get(name)
            if raw in (None, ""):
                return None
            try:
                value = int(raw)
            except (TypeError, ValueError):
                errors.append(FieldError(f"/{name}", "a whole number", "type"))
                return None
            if value < 0:
                errors.append(FieldError(f"/{name}", "0 or more", "range"))
            return value

        stage = str(args.get("stage") or "")
        if stage and stage not in {s.value for s in LifecycleStage}:
            errors.append(FieldError("/stage", "one of new, active, dormant, lost", "enum"))
        sort = str(args.get("sort") or "newest")
        if sort not in SORTS:
            errors.append(FieldError("/sort", f"one of {', '.join(SORTS)}", "enum"))
        filters = cls(q=str(args.get("q") or "").strip()[:64], level_id=integer("level_id"),
                      tag_id=integer("tag_id"), stage=stage,
                      min_spent_fen=integer("min_spent_fen"),
                      max_spent_fen=integer("max_spent_fen"), sort=sort)
        if errors:
            raise ValidationFailed(errors)
        return filters

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass(frozen=True)
class MemberRow:
    member: Member
    level: Level | None
    tags: list[Tag]
    points: int
    balance_fen: int


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    total: int
    page: int
    per_page: int
    filters: MemberFilters = field(default_factory=MemberFilters)

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def filtered(filters: MemberFilters) -> Select[tuple[Member]]:
    query = select(Member)
    if filters.q:
        like = f"%{filters.q}%"
        conditions = [Member.nickname.ilike(like), Member.phone.like(like),
                      Member.openid == filters.q]
        if filters.q.isdigit():
            conditions.append(Member.id == int(filters.q))
        query = query.where(or_(*conditions))
    if filters.level_id is not None:
        query = query.where(Member.level_id == filters.level_id)
    if filters.tag_id is not None:
        query = query.where(Member.id.in_(select(MemberTag.member_id)
                                          .where(MemberTag.tag_id == filters.tag_id)))
    if filters.stage:
        query = query.where(Member.lifecycle_stage == filters.stage)
    if filters.min_spent_fen is not None:
        query = query.where(Member.total_spent_fen >= filters.min_spent_fen)
    if filters.max_spent_fen is not None:
        query = query.where(Member.total_spent_fen <= filters.max_spent_fen)
    return query


def search_members(session: Session, filters: MemberFilters, page: int = 1,
                   per_page: int = 20) -> MemberPage:
    from runtime.modules.members.tags import tags_of

    page = max(page, 1)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    base = filtered(filters)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    members = list(session.scalars(base.order_by(*SORTS[filters.sort])
                                   .offset((page - 1) * per_page).limit(per_page)))
    ids = [m.id for m in members]
    levels = {lv.id: lv for lv in session.scalars(select(Level))}
    tags = tags_of(session, ids)
    held = member_balances(session, ids)
    rows = [MemberRow(m, levels.get(m.level_id) if m.level_id else None, tags.get(m.id, []),
                      held["points"].get(m.id, 0),
                      held["wallet"].get(m.id, EMPTY_WALLET)["balance_fen"])
            for m in members]
    return MemberPage(rows, total, page, per_page, filters)


EMPTY_WALLET = {"balance_fen": 0, "principal_fen": 0, "bonus_fen": 0}


def member_balances(session: Session, member_ids: list[int]) -> dict[str, dict[int, Any]]:
    """What the other modules hold for these members (the ``member_balances`` hook:
    ``points``, ``wallet`` ...), one dict per kind; a kind no module answers is empty."""
    from runtime.modules.loader import hooks

    held: dict[str, dict[int, Any]] = {"points": {}, "wallet": {}}
    if member_ids:
        for answer in hooks(session).member_balances(session=session,
                                                     member_ids=list(member_ids)):
            for kind, by_member in answer.items():
                held.setdefault(kind, {}).update(by_member)
    return held
