"""Group-buy refusals: one problem+json ``code`` (and so ``type``) per reason."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, NotFound, ValidationFailed


class GroupbuyErrorCode(StrEnum):
    NOT_STARTED = "groupbuy_not_started"  # the window for opening groups has not begun
    ENDED = "groupbuy_ended"  # the window is over (or the activity is switched off)
    GROUP_FULL = "groupbuy_group_full"
    GROUP_EXPIRED = "groupbuy_group_expired"  # expired, failed or over
    ALREADY_JOINED = "groupbuy_already_joined"  # the buyer is in that group
    IN_PROGRESS = "groupbuy_in_progress"  # an open group or an unpaid order in the activity
    LIMIT = "groupbuy_limit_exceeded"  # per-order or per-user units
    SOLD_OUT = "groupbuy_sold_out"  # activity stock
    SINGLE_BUY = "groupbuy_single_buy_not_allowed"  # bought alone while only groups sell it
    NOT_FOUND = "groupbuy_not_found"
    CANNOT_LEAVE = "groupbuy_cannot_leave"  # not a member of an open group


class GroupbuyConflict(Conflict):
    title = "The group buy refuses this"

    def __init__(self, code: GroupbuyErrorCode, detail: str, **extra: object) -> None:
        super().__init__(detail, code=code.value, extra=dict(extra))


def limit_exceeded(pointer: str, message: str) -> ValidationFailed:
    """422 with the limit's own ``code`` and the field it concerns."""
    error = ValidationFailed.single(pointer, message, GroupbuyErrorCode.LIMIT.value)
    error.code = GroupbuyErrorCode.LIMIT.value
    return error


def not_found(what: str, ident: object) -> NotFound:
    return NotFound(f"no {what} {ident}", code=GroupbuyErrorCode.NOT_FOUND.value)
