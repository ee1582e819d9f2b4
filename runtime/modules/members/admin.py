"""A merchant's manual changes to a member — tags, status, and (in the points and wallet
modules, with these helpers) points and balance — each with a required reason and an audit
entry written in the same transaction as the change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.modules.members.models import AuditEntry

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


def parse_int(value: Any, pointer: str) -> int:
    if isinstance(value, bool):
        raise ValidationFailed.single(pointer, "a whole number", "type")
    try:
        number = int(value) if isinstance(value, (int, str)) else None
    except ValueError:
        number = None
    if number is None:
        raise ValidationFailed.single(pointer, "a whole number", "type")
    return number


def check_request_id(value: Any) -> str:
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


def audit_log(session: Session, member_id: int | None = None,
              limit: int = 50) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if member_id is not None:
        query = query.where(AuditEntry.member_id == member_id)
    return list(session.scalars(query))
