"""The seckill refusals: problem+json 409/422, one ``type`` (``code``) each."""

from __future__ import annotations

from runtime.errors import Conflict, MallkitError, NotFound


class SeckillErrorCode:
    MODULE_OFF = "module_disabled"
    NOT_STARTED = "seckill_not_started"
    ENDED = "seckill_ended"
    SOLD_OUT = "seckill_sold_out"
    USER_LIMIT = "seckill_user_limit"
    ORDER_LIMIT = "seckill_order_limit"
    RATE_LIMITED = "seckill_too_fast"
    TOKEN_INVALID = "seckill_token_invalid"
    TICKET_REQUIRED = "seckill_ticket_required"
    SLOT_OVERLAP = "seckill_slot_overlap"
    SLOT_IN_USE = "seckill_slot_in_use"
    STOCK_ABOVE_SKU = "seckill_stock_above_sku"


class SeckillRefused(Conflict):
    """A 409 with its own code, plus the window times when they explain it."""

    title = "Seckill refused"


class SeckillInvalid(MallkitError):
    """A 422 that is not about a request field (a limit the order itself breaks)."""

    status = 422
    title = "Seckill order not allowed"


def module_off() -> NotFound:
    return NotFound("seckill is not available in this shop", code=SeckillErrorCode.MODULE_OFF)
