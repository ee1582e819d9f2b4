"""The order and fulfilment error codes (what problem+json ``code`` says)."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, NotFound


class OrderErrorCode(StrEnum):
    ORDER_NOT_FOUND = "order_not_found"
    ADDRESS_NOT_FOUND = "address_not_found"
    QUOTE_NOT_FOUND = "quote_not_found"
    QUOTE_EXPIRED = "quote_expired"
    QUOTE_CHANGED = "quote_changed"
    QUOTE_INVALID = "quote_invalid"
    INVALID_TRANSITION = "invalid_transition"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    CART_EMPTY = "cart_empty"
    LINE_UNAVAILABLE = "line_unavailable"
    ALREADY_PAID = "already_paid"
    PICKUP_CODE_NOT_FOUND = "pickup_code_not_found"
    PICKUP_ALREADY_VERIFIED = "pickup_already_verified"
    NOTHING_TO_SHIP = "nothing_to_ship"
    FULFILMENT_HELD = "fulfilment_held"
    ACTIVITY_SINGLE_LINE = "activity_single_line"
    ACTIVITY_UNAVAILABLE = "activity_unavailable"
    COUPON_NOT_ALLOWED = "coupon_not_allowed"


class InvalidTransition(Conflict):
    code = OrderErrorCode.INVALID_TRANSITION.value
    title = "Not allowed in the order's current status"


def order_not_found(ident: object) -> NotFound:
    return NotFound(f"no order {ident}", code=OrderErrorCode.ORDER_NOT_FOUND.value)
