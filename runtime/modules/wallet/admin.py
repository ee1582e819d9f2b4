"""A merchant changes a member's stored value by hand (with a reason, audited in the
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
from runtime.modules.wallet.service import adjust


def adjust_balance(session: Session, member_id: int, *, principal_delta_fen: Any,
                   bonus_delta_fen: Any, reason: Any, request_id: Any,
                   actor: Actor) -> AdjustResult:
    """Change the stored-value principal and/or bonus by hand (e.g. a top-up paid at the
    counter is principal); a resubmitted form does nothing."""
    errors = FieldErrors()
    amounts = []
    for value, pointer in ((principal_delta_fen, "/principal_delta_fen"),
                           (bonus_delta_fen, "/bonus_delta_fen")):
        try:
            amounts.append(parse_int(value if value not in (None, "") else 0, pointer))
        except ValidationFailed as exc:
            errors += exc.errors
            amounts.append(0)
    for check in (lambda: check_reason(reason), lambda: check_request_id(request_id)):
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
