"""A merchant's manual changes to a member — points, balance, tags, status — each with a
required reason and an audit entry written in the same transaction as the change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.members.models import AuditEntry
from runtime.modules.members.service import get_member

REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class AdjustResult:
    applied: bool  # False: the same form was submitted before; nothing changed again
    audit: AuditEntry | None
    balance_after: int  # points, or balance in fen


@dataclass(frozen=True)
class Actor:
    """Who made the change (a console user)."""

    user_id: int | None
    name: str


def check_reason(reason: Any) -> str:
    if not isinstance(reason, str) or not 2 <= len(reason.strip()) <= 200:
        raise ValidationFailed.single("/reason", "a reason of 2-200 characters is required",
                                      "required")
    return reason.strip()


def _int(value: Any, pointer: str) -> int:
    if isinstance(value, bool):
        raise ValidationFailed.single(pointer, "a whole number", "type")
    try:
        number = int(value) if isinstance(value, (int, str)) else None
    except ValueError:
        number = None
    if number is None:
        raise ValidationFailed.single(pointer, "a whole number", "type")
    return number


def _request_id(value: Any) -> str:
    if not isinstance(value, str) or not REQUEST_ID.match(value):
        raise ValidationFailed.single("/request_id", "the form's request id (8-64 letters, "
                                      "digits, '-' or '_')", "pattern")
    return value


def record(session: Session, member_id: int | None, actor: Actor, action: str, reason: str,
           detail: dict[str, Any]) -> AuditEntry:
    entry = AuditEntry(member_id=member_id, actor_user_id=actor.user_id,
                       actor_name=actor.name[:120], action=action, reason=reason[:200],
                       detail=detail)
    session.add(entry)
    session.flush()
    return entry


def adjust_points(session: Session, member_id: int, *, delta: Any, reason: Any,
                  request_id: Any, actor: Actor) -> AdjustResult:
    """Add or take points by hand; a resubmitted form (same ``request_id``) does nothing."""
    from runtime.modules.points.service import adjust

    errors = FieldErrors()
    try:
        amount = _int(delta, "/delta")
        if amount == 0 or abs(amount) > 10_000_000:
            raise ValidationFailed.single("/delta", "a non-zero change up to 10,000,000",
                                          "range")
    except ValidationFailed as exc:
        errors += exc.errors
        amount = 0
    for check in (lambda: check_reason(reason), lambda: _request_id(request_id)):
        try:
            check()
        except ValidationFailed as exc:
            errors += exc.errors
    errors.raise_if_any()
    get_member(session, member_id)
    key = f"manual-points-{request_id}"
    result = adjust(session, member_id, amount, key=key)
    if not result.applied:
        return AdjustResult(False, None, result.entry.balance_after)
    audit = record(session, member_id, actor, "points_adjusted", check_reason(reason),
                   {"delta": amount, "balance_after": result.entry.balance_after})
    return AdjustResult(True, audit, result.entry.balance_after)


def adjust_balance(session: Session, member_id: int, *, principal_delta_fen: Any,
                   bonus_delta_fen: Any, reason: Any, request_id: Any,
                   actor: Actor) -> AdjustResult:
    """Change the stored-value principal and/or bonus by hand (e.g. a top-up paid at the
    counter is principal); a resubmitted form does nothing."""
    from runtime.modules.wallet.service import adjust

    errors = FieldErrors()
    amounts = []
    for value, pointer in ((principal_delta_fen, "/principal_delta_fen"),
                           (bonus_delta_fen, "/bonus_delta_fen")):
        try:
            amounts.append(_int(value if value not in (None, "") else 0, pointer))
        except ValidationFailed as exc:
            errors += exc.errors
            amounts.append(0)
    for check in (lambda: check_reason(reason), lambda: _request_id(request_id)):
        try:
            check()
        except ValidationFailed as exc:
            errors += exc.errors
    errors.raise_if_any()
    get_member(session, member_id)
    result = adjust(session, member_id, principal_delta_fen=amounts[0],
                    bonus_delta_fen=amounts[1], key=f"manual-wallet-{request_id}")
    after = result.entry.principal_after_fen + result.entry.bonus_after_fen
    if not result.applied:
        return AdjustResult(False, None, after)
    audit = record(session, member_id, actor, "balance_adjusted", check_reason(reason),
                   {"principal_delta_fen": amounts[0], "bonus_delta_fen": amounts[1],
                    "balance_after_fen": after})
    return AdjustResult(True, audit, after)


def audit_log(session: Session, member_id: int | None = None,
              limit: int = 50) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if member_id is not None:
        query = query.where(AuditEntry.member_id == member_id)
    return list(session.scalars(query))
