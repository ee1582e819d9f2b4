"""The after-sales error codes (what problem+json ``code`` and ``type`` say)."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict, NotFound


class AfterSaleErrorCode(StrEnum):
    AFTERSALE_NOT_FOUND = "aftersale_not_found"
    LINE_NOT_FOUND = "line_not_found"
    INVALID_TRANSITION = "aftersale_invalid_transition"  # wrong state for the action
    ORDER_NOT_REFUNDABLE = "order_not_refundable"  # unpaid or closed order
    WINDOW_CLOSED = "aftersale_window_closed"  # more than N days after receipt
    ALREADY_OPEN = "aftersale_already_open"  # one open request per line
    KIND_NOT_ALLOWED = "aftersale_kind_not_allowed"  # return/exchange before shipping
    NOTHING_TO_REFUND = "nothing_to_refund"


class InvalidTransition(Conflict):
    code = AfterSaleErrorCode.INVALID_TRANSITION.value
    title = "Not allowed in the request's current status"


class WindowClosed(Conflict):
    code = AfterSaleErrorCode.WINDOW_CLOSED.value
    title = "The after-sales window is over"


class AlreadyOpen(Conflict):
    code = AfterSaleErrorCode.ALREADY_OPEN.value
    title = "This line already has an open after-sale request"


class OrderNotRefundable(Conflict):
    code = AfterSaleErrorCode.ORDER_NOT_REFUNDABLE.value
    title = "The order cannot be refunded"


def aftersale_not_found(ident: object) -> NotFound:
    return NotFound(f"no after-sale request {ident}",
                    code=AfterSaleErrorCode.AFTERSALE_NOT_FOUND.value)
