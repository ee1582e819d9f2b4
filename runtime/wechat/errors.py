"""Errors raised when talking to WeChat (Pay API v3 and the mini-program server API).

Notification errors are what a notify handler answers WeChat with a non-2xx for; API errors
carry WeChat's own code so callers can branch on it (``ORDER_NOT_EXIST``, ``40029`` ...).
"""

from __future__ import annotations

from runtime.errors import MallkitError


class WechatError(MallkitError):
    """Talking to WeChat failed; the request that led here is not the caller's fault."""

    status = 502
    code = "wechat_error"
    title = "WeChat request failed"


class TransportError(WechatError):
    """WeChat (or the simulator) could not be reached: network error or timeout."""

    status = 503
    code = "wechat_unreachable"
    title = "WeChat unreachable"


class SimulatorGuardError(WechatError):
    """A real configuration was about to talk to a simulator, or simulators are off."""

    status = 500
    code = "wechat_simulator_guard"
    title = "Simulator guard"


class SimulatorDisabled(SimulatorGuardError):
    status = 404
    code = "wechat_simulator_disabled"
    title = "WeChat simulators are disabled"


class WechatAppNotConfigured(WechatError):
    """The shop has no mini-program AppID and AppSecret (and no simulator stands in)."""

    status = 503
    code = "wechat_app_not_configured"
    title = "WeChat mini-program not configured"


class WechatCredentialsUnreadable(WechatError):
    """Stored WeChat credentials cannot be opened with this app's secret key."""

    status = 503
    code = "wechat_credentials_unreadable"
    title = "WeChat credentials unreadable"


# --- WeChat Pay ------------------------------------------------------------------------------


class WechatPayApiError(WechatError):
    """WeChat Pay answered with an error: ``wechat_code`` is its ``code`` (``PARAM_ERROR``)."""

    code = "wechatpay_error"
    title = "WeChat Pay request failed"

    def __init__(self, detail: str, *, http_status: int, wechat_code: str) -> None:
        super().__init__(f"WeChat Pay {http_status} {wechat_code}: {detail}",
                         extra={"wechat_code": wechat_code})
        self.http_status = http_status
        self.wechat_code = wechat_code


class TransactionNotFound(WechatPayApiError):
    """``ORDER_NOT_EXIST`` / ``RESOURCE_NOT_EXISTS``: WeChat Pay has no such order or refund."""

    status = 404
    code = "wechatpay_not_found"
    title = "WeChat Pay has no such order"


class ResponseVerificationFailed(WechatError):
    """A WeChat Pay response did not carry a valid signature: its content is not trusted."""

    code = "wechatpay_response_unverified"
    title = "WeChat Pay response not verified"


class NotificationError(MallkitError):
    """A notification (or response) failed verification; WeChat gets a non-2xx answer."""

    status = 401
    code = "wechatpay_notification_rejected"
    title = "Notification rejected"


class InvalidSignature(NotificationError):
    code = "wechatpay_invalid_signature"
    title = "Invalid WeChat Pay signature"


class StaleTimestamp(NotificationError):
    code = "wechatpay_stale_timestamp"
    title = "WeChat Pay timestamp too far from now"


class SignatureProbe(NotificationError):
    """WeChat's signature probe (``WECHATPAY/SIGNTEST/...``): must be answered with a failure."""

    code = "wechatpay_signature_probe"
    title = "WeChat Pay signature probe"


class UnknownSerial(NotificationError):
    """``Wechatpay-Serial`` names neither the configured public key nor a platform certificate."""

    code = "wechatpay_unknown_serial"
    title = "Unknown WeChat Pay key serial"


class DecryptError(NotificationError):
    status = 400
    code = "wechatpay_decrypt_failed"
    title = "Notification resource could not be decrypted"


class ForeignNotification(NotificationError):
    """A genuine notification, but for another merchant or mini-program than this config's."""

    status = 400
    code = "wechatpay_foreign_notification"
    title = "Notification for another merchant"


class MalformedNotification(NotificationError):
    status = 400
    code = "wechatpay_malformed_notification"
    title = "Malformed WeChat Pay notification"


# --- mini-program server API -----------------------------------------------------------------


class WechatApiError(WechatError):
    """The mini-program server API answered ``errcode != 0``."""

    code = "wechat_api_error"
    title = "WeChat API request failed"

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat errcode {errcode}: {errmsg}",
                         extra={"errcode": errcode, "errmsg": errmsg})
        self.errcode = errcode
        self.errmsg = errmsg


class InvalidCode(WechatApiError):
    """A ``wx.login`` or phone-number code WeChat does not accept (40029, 40163 ...)."""

    status = 400
    code = "wechat_invalid_code"
    title = "Invalid WeChat code"


INVALID_CODE_ERRCODES = frozenset({40029, 40163, 40226})
"""Errcodes that mean "this code is no good" rather than "our credentials or WeChat failed"."""
