"""A merchant adds or takes a member's points by hand (with a reason, audited in the
members module's log, in the same transaction)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.members.admin import (
    Actor,
    AdjustResult,
    check_reason,
    check_request_id,
    parse_int,
    record,
)
from runtime.modules.members.service import get_member
from runtime.modules.points.service import adjust


def adjust_points(session: Session, member_id: int, *, delta: Any, reason: Any,
                  request_id: Any, actor: Actor) -> AdjustResult:
    """Add or take points by hand; a resubmitted form (same ``request_id``) does nothing."""
    errors = FieldErrors()
    try:
        amount = parse_int(delta, "/delta")
        if amount == 0 or abs(amount) > 10_000_000:
            raise ValidationFailed.single("/delta", "a non-zero change up to 10,000,000",
                                          "range")
    except ValidationFailed as exc:
        errors += exc.errors
        amount = 0
    for check in (lambda: check_reason(reason), lambda: check_request_id(request_id)):
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
