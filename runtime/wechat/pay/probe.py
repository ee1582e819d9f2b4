""""Test these credentials": one harmless WeChat Pay call, and what its answer means.

The probe queries an order number that cannot exist. WeChat Pay answers 404
``ORDER_NOT_EXIST`` only after it accepted the merchant's signature, and signs that answer,
so one call checks the merchant number, API certificate serial, private key and WeChat Pay's
verification key. :func:`explain` turns any failure (of the probe, a certificate download or
a save) into an :class:`Outcome` the console words for a merchant.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass

from runtime.errors import MallkitError
from runtime.wechat.errors import (
    DecryptError,
    InvalidSignature,
    ResponseVerificationFailed,
    StaleTimestamp,
    TransportError,
    UnknownSerial,
    WechatPayApiError,
)
from runtime.wechat.pay.client import WechatPayClient, api_error
from runtime.wechat.transport import lower_headers


class Outcome(enum.StrEnum):
    OK = "ok"
    OK_UNSIGNED = "ok_unsigned"  # signature accepted; the answer carried none to check
    SIGNATURE_REJECTED = "signature_rejected"  # merchant number, serial or private key
    UNKNOWN_MERCHANT = "unknown_merchant"
    NO_PERMISSION = "no_permission"
    UNKNOWN_WECHAT_KEY = "unknown_wechat_key"  # signed with a key not configured here
    WRONG_WECHAT_KEY = "wrong_wechat_key"  # the configured key does not verify
    WRONG_APIV3_KEY = "wrong_apiv3_key"
    CLOCK_SKEW = "clock_skew"
    UNREACHABLE = "unreachable"
    WECHAT_ERROR = "wechat_error"
    NOT_CONFIGURED = "not_configured"  # nothing to test: no account, no simulator


@dataclass(frozen=True)
class ProbeResult:
    outcome: Outcome
    wechat_code: str = ""
    detail: str = ""
    serial: str = ""  # the key WeChat signed its answer with

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.OK, Outcome.OK_UNSIGNED)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "outcome": self.outcome.value, "wechat_code": self.wechat_code,
                "detail": self.detail, "serial": self.serial}


def explain(error: MallkitError) -> ProbeResult:
    """What a failed WeChat Pay call says about the credentials."""
    cause = error.__cause__ if isinstance(error, ResponseVerificationFailed) else error
    by_type = ((UnknownSerial, Outcome.UNKNOWN_WECHAT_KEY),
               (InvalidSignature, Outcome.WRONG_WECHAT_KEY),
               (StaleTimestamp, Outcome.CLOCK_SKEW), (DecryptError, Outcome.WRONG_APIV3_KEY),
               (TransportError, Outcome.UNREACHABLE))
    for kind, outcome in by_type:
        if isinstance(cause, kind):
            return ProbeResult(outcome, detail=error.detail)
    if isinstance(error, WechatPayApiError):
        if error.http_status == 401 or error.wechat_code == "SIGN_ERROR":
            outcome = Outcome.SIGNATURE_REJECTED
        elif error.wechat_code in ("MCH_NOT_EXISTS", "MCHID_NOT_EXISTS"):
            outcome = Outcome.UNKNOWN_MERCHANT
        elif error.http_status == 403 or error.wechat_code == "NO_AUTH":
            outcome = Outcome.NO_PERMISSION
        else:
            outcome = Outcome.WECHAT_ERROR
        return ProbeResult(outcome, wechat_code=error.wechat_code, detail=error.detail)
    return ProbeResult(Outcome.WECHAT_ERROR, detail=error.detail)


def probe(client: WechatPayClient) -> ProbeResult:
    """Query an order that cannot exist and read the answer (nothing is created)."""
    out_trade_no = f"MKCHECK{secrets.token_hex(8).upper()}"
    try:
        response = client.send("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}",
                               query={"mchid": client.config.mchid})
        headers = lower_headers(response.headers)
        if response.status not in (200, 404):
            return explain(api_error(response))
        if "wechatpay-signature" not in headers:
            return ProbeResult(Outcome.OK_UNSIGNED)
        try:
            serial = client.config.verifier.verify(headers, response.body)
        except MallkitError as exc:
            return explain(exc)
    except MallkitError as exc:
        return explain(exc)
    return ProbeResult(Outcome.OK, serial=serial)
