"""The payments module's error codes (what problem+json ``code`` says) and its errors."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import BadRequest, NotFound


class PaymentErrorCode(StrEnum):
    PAYMENT_METHOD_UNAVAILABLE = "payment_method_unavailable"
    UNKNOWN_PAYMENT = "unknown_payment"
    PAYMENT_MISMATCH = "payment_mismatch"
    REFUND_EXCEEDS_PAYMENT = "refund_exceeds_payment"
    REFUND_LIMIT_REACHED = "refund_limit_reached"
    WECHATPAY_NOT_CONFIGURED = "wechatpay_not_configured"
    WECHAT_LOGIN_REQUIRED = "wechat_login_required"


class UnknownPayment(NotFound):
    code = PaymentErrorCode.UNKNOWN_PAYMENT.value
    title = "No such payment"


class PaymentMismatch(BadRequest):
    """WeChat's record disagrees with ours (amount, merchant, app): never applied."""

    code = PaymentErrorCode.PAYMENT_MISMATCH.value
    title = "Payment does not match the order"
