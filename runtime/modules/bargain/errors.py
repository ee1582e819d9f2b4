"""Bargain refusals: one problem+json ``code`` (and so ``type``) per reason; state conflicts
are 409, a rule the caller broke is 422 with the field it concerns."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, NotFound, ValidationFailed


class BargainErrorCode(StrEnum):
    NOT_FOUND = "bargain_not_found"
    NOT_STARTED = "bargain_not_started"
    ENDED = "bargain_ended"  # the activity's window is over or it is switched off
    ALREADY_HELPED = "bargain_already_helped"  # this helper cut this launch before
    EXPIRED = "bargain_expired"  # the launch ran out of time
    FINISHED = "bargain_finished"  # at the floor, ordered or bought: no more cuts
    SELF_CUT = "bargain_self_cut_not_allowed"  # the launcher cutting their own launch
    LAUNCH_LIMIT = "bargain_launch_limit"  # launches per member reached
    SOLD_OUT = "bargain_sold_out"  # activity stock
    FLOOR_ONLY = "bargain_floor_only"  # bought above the floor where only the floor sells
    ORDERED = "bargain_already_ordered"  # an order holds the launch
    PRICE_CHANGED = "bargain_price_changed"  # cut again since the quote
    SKU_MISMATCH = "bargain_sku_mismatch"  # the checkout's SKU is not the launch's
    ONE_UNIT = "bargain_one_unit"  # a launch buys exactly one unit


class BargainConflict(Conflict):
    title = "The bargain refuses this"

    def __init__(self, code: BargainErrorCode, detail: str, **extra: object) -> None:
        super().__init__(detail, code=code.value, extra=dict(extra))


def refused(code: BargainErrorCode, pointer: str, message: str) -> ValidationFailed:
    """422 whose ``type`` is the reason's own code, naming the field it concerns."""
    error = ValidationFailed.single(pointer, message, code.value)
    error.code = code.value
    return error


def not_found(what: str, ident: object) -> NotFound:
    return NotFound(f"no {what} {ident}", code=BargainErrorCode.NOT_FOUND.value)
