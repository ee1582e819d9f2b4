"""``WechatPayClient``: the WeChat Pay API v3 calls a mini-program shop needs (JSAPI).

Every request is signed with the merchant key; every 2xx answer is verified with WeChat's
key before it is believed; notifications are verified, checked for freshness and decrypted
by :meth:`WechatPayClient.parse_notification`. The HTTP is a :data:`Transport`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from runtime.clock import utcnow
from runtime.errors import FieldError, ValidationFailed
from runtime.wechat.errors import (
    ForeignNotification,
    MalformedNotification,
    NotificationError,
    ResponseVerificationFailed,
    SimulatorGuardError,
    TransactionNotFound,
    WechatPayApiError,
)
from runtime.wechat.pay import crypto
from runtime.wechat.pay.config import WechatPayConfig
from runtime.wechat.pay.objects import (
    JsapiPaymentParams,
    Notification,
    Refund,
    Transaction,
    TransferBill,
    parse_time,
)
from runtime.wechat.transport import HttpRequest, HttpResponse, Transport, lower_headers

CHINA = ZoneInfo("Asia/Shanghai")
OUT_NO = re.compile(r"^[0-9A-Za-z_-]{6,32}$")
"""``out_trade_no`` / ``out_refund_no``: WeChat allows 6-32 of ``[0-9A-Za-z_-|*]``; mallkit
uses the subset that needs no escaping in a URL path."""
NOT_FOUND_CODES = frozenset({"ORDER_NOT_EXIST", "RESOURCE_NOT_EXISTS", "ORDERNOTEXIST"})
USER_AGENT = "mallkit-wechatpay/1 (+https://mallkit.dev)"


def wechat_time(moment: datetime) -> str:
    """RFC 3339 in China time, the way WeChat writes times (``2026-11-25T12:00:00+08:00``)."""
    return moment.astimezone(CHINA).isoformat(timespec="seconds")


def _check_out_no(pointer: str, value: str) -> None:
    if not isinstance(value, str) or not OUT_NO.match(value):
        raise ValidationFailed.single(pointer, "6-32 characters of letters, digits, '_' or '-'")


class WechatPayClient:
    """One merchant's WeChat Pay API v3 client.

    ``transport`` must be a real network transport for a real configuration: an in-process
    transport (which reaches the local simulator) is refused unless ``config.simulator``.
    """

    def __init__(self, config: WechatPayConfig, transport: Transport) -> None:
        if getattr(transport, "in_process", False) and not config.simulator:
            raise SimulatorGuardError("a real WeChat Pay configuration cannot use an in-process "
                                      "(simulator) transport")
        self.config = config
        self.transport = transport

    # --- payments ---------------------------------------------------------------------------

    def jsapi_prepay(self, *, out_trade_no: str, description: str, amount_fen: int,
                     payer_openid: str, notify_url: str | None = None, attach: str = "",
                     time_expire: datetime | None = None) -> str:
        """Create the JSAPI (mini-program) order; returns its ``prepay_id`` (valid 2 hours)."""
        errors = []
        if not isinstance(payer_openid, str) or not payer_openid:
            errors.append(FieldError("/payer_openid", "the payer's openid is required"))
        body = self._order_body(out_trade_no, description, amount_fen, notify_url, attach,
                                time_expire, errors)
        body["payer"] = {"openid": payer_openid}
        answer = self._call("POST", "/v3/pay/transactions/jsapi", body=body)
        return self._answer_field(answer, "prepay_id")

    def h5_prepay(self, *, out_trade_no: str, description: str, amount_fen: int,
                  payer_client_ip: str, notify_url: str | None = None, attach: str = "",
                  time_expire: datetime | None = None) -> str:
        """Create an H5 (mobile browser, 微信H5支付) order for a payer without an openid;
        returns the ``h5_url`` cashier to send the browser to (append ``redirect_url``)."""
        errors = []
        if not isinstance(payer_client_ip, str) or not 1 <= len(payer_client_ip) <= 45:
            errors.append(FieldError("/payer_client_ip", "the payer's IP address is required"))
        body = self._order_body(out_trade_no, description, amount_fen, notify_url, attach,
                                time_expire, errors)
        body["scene_info"] = {"payer_client_ip": payer_client_ip, "h5_info": {"type": "Wap"}}
        answer = self._call("POST", "/v3/pay/transactions/h5", body=body)
        return self._answer_field(answer, "h5_url")

    def _order_body(self, out_trade_no: str, description: str, amount_fen: int,
                    notify_url: str | None, attach: str, time_expire: datetime | None,
                    errors: list[FieldError]) -> dict[str, Any]:
        """The fields every payment order carries; raises with ``errors`` and its own."""
        _check_out_no("/out_trade_no", out_trade_no)
        if not isinstance(description, str) or not 1 <= len(description) <= 127:
            errors.append(FieldError("/description", "1-127 characters"))
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
            errors.append(FieldError("/amount_fen", "a positive whole number of fen"))
        if len(attach) > 128:
            errors.append(FieldError("/attach", "at most 128 characters"))
        url = notify_url or self.config.notify_url
        if not url:
            errors.append(FieldError("/notify_url", "no notify_url given or configured"))
        if time_expire is not None and time_expire.tzinfo is None:
            errors.append(FieldError("/time_expire", "must be an aware datetime"))
        if errors:
            raise ValidationFailed(sorted(errors, key=lambda e: e.pointer))
        body: dict[str, Any] = {
            "appid": self.config.appid, "mchid": self.config.mchid,
            "description": description, "out_trade_no": out_trade_no, "notify_url": url,
            "amount": {"total": amount_fen, "currency": "CNY"},
        }
        if attach:
            body["attach"] = attach
        if time_expire is not None:
            body["time_expire"] = wechat_time(time_expire)
        return body

    @staticmethod
    def _answer_field(answer: dict[str, Any] | None, name: str) -> str:
        value = answer.get(name) if answer else None
        if not isinstance(value, str) or not value:
            raise WechatPayApiError(f"answer has no {name}", http_status=200,
                                    wechat_code="MALFORMED_RESPONSE")
        return value

    def jsapi_payment_params(self, prepay_id: str) -> JsapiPaymentParams:
        """The signed parameters for ``wx.requestPayment`` (``signType: RSA``)."""
        if not isinstance(prepay_id, str) or not prepay_id:
            raise ValidationFailed.single("/prepay_id", "prepay_id is required")
        time_stamp = str(int(utcnow().timestamp()))
        nonce = crypto.new_nonce()
        package = f"prepay_id={prepay_id}"
        pay_sign = crypto.sign_jsapi(self.config.merchant_private_key, app_id=self.config.appid,
                                     time_stamp=time_stamp, nonce_str=nonce, package=package)
        return JsapiPaymentParams(self.config.appid, time_stamp, nonce, package, pay_sign)

    def query_by_out_trade_no(self, out_trade_no: str) -> Transaction:
        """The order's state at WeChat (reconciles when a notification never came)."""
        _check_out_no("/out_trade_no", out_trade_no)
        answer = self._call("GET", f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no)}",
                            query={"mchid": self.config.mchid})
        return Transaction.from_dict(answer or {})

    def close(self, out_trade_no: str) -> None:
        """Close an unpaid order so it can no longer be paid (WeChat answers 204)."""
        _check_out_no("/out_trade_no", out_trade_no)
        self._call("POST", f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no)}/close",
                   body={"mchid": self.config.mchid})

    # --- refunds ----------------------------------------------------------------------------

    def refund(self, *, out_trade_no: str, out_refund_no: str, refund_fen: int, total_fen: int,
               reason: str = "", notify_url: str | None = None) -> Refund:
        """Ask for a refund of ``refund_fen`` of a ``total_fen`` payment; usually PROCESSING.

        Re-sending the same ``out_refund_no`` is safe: WeChat answers with the same refund.
        """
        _check_out_no("/out_trade_no", out_trade_no)
        _check_out_no("/out_refund_no", out_refund_no)
        errors = []
        for pointer, value in (("/refund_fen", refund_fen), ("/total_fen", total_fen)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                errors.append(FieldError(pointer, "a positive whole number of fen"))
        if not errors and refund_fen > total_fen:
            errors.append(FieldError("/refund_fen", "cannot exceed the payment's total"))
        if len(reason) > 80:
            errors.append(FieldError("/reason", "at most 80 characters"))
        if errors:
            raise ValidationFailed(errors)
        body: dict[str, Any] = {
            "out_trade_no": out_trade_no, "out_refund_no": out_refund_no,
            "amount": {"refund": refund_fen, "total": total_fen, "currency": "CNY"},
        }
        if reason:
            body["reason"] = reason
        url = notify_url or self.config.notify_url
        if url:
            body["notify_url"] = url
        return Refund.from_dict(self._call("POST", "/v3/refund/domestic/refunds", body=body) or {})

    def query_refund(self, out_refund_no: str) -> Refund:
        _check_out_no("/out_refund_no", out_refund_no)
        return Refund.from_dict(
            self._call("GET", f"/v3/refund/domestic/refunds/{quote(out_refund_no)}") or {})

    # --- merchant transfers (商家转账) ------------------------------------------------------

    def transfer_bill(self, *, out_bill_no: str, openid: str, amount_fen: int, remark: str,
                      scene_id: str = "1000", notify_url: str | None = None,
                      scene_report: tuple[tuple[str, str], ...] = ()) -> TransferBill:
        """Transfer ``amount_fen`` to the payer's WeChat change. Re-sending the same
        ``out_bill_no`` with the same fields is safe: WeChat answers with the same bill."""
        _check_out_no("/out_bill_no", out_bill_no)
        errors = []
        if not isinstance(openid, str) or not openid:
            errors.append(FieldError("/openid", "the payee's openid is required"))
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
            errors.append(FieldError("/amount_fen", "a positive whole number of fen"))
        if not isinstance(remark, str) or not 1 <= len(remark) <= 32:
            errors.append(FieldError("/remark", "1-32 characters"))
        url = notify_url or self.config.notify_url
        if not url:
            errors.append(FieldError("/notify_url", "no notify_url given or configured"))
        if errors:
            raise ValidationFailed(errors)
        body = {"appid": self.config.appid, "out_bill_no": out_bill_no,
                "transfer_scene_id": scene_id, "openid": openid, "transfer_amount": amount_fen,
                "transfer_remark": remark, "notify_url": url,
                "transfer_scene_report_infos": [{"info_type": t, "info_content": c}
                                                for t, c in scene_report]}
        answer = self._call("POST", "/v3/fund-app/mch-transfer/transfer-bills", body=body)
        return TransferBill.from_dict(answer or {})

    def query_transfer_bill(self, out_bill_no: str) -> TransferBill:
        _check_out_no("/out_bill_no", out_bill_no)
        return TransferBill.from_dict(self._call(
            "GET", f"/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{quote(out_bill_no)}")
            or {})

    # --- notifications ----------------------------------------------------------------------

    def parse_notification(self, headers: Mapping[str, str] | Any,
                           body: bytes | str) -> Notification:
        """Verify, check and decrypt a notification POSTed by WeChat Pay.

        Raises :class:`SignatureProbe`, :class:`UnknownSerial`, :class:`StaleTimestamp`,
        :class:`InvalidSignature`, :class:`DecryptError`, :class:`ForeignNotification` (another
        merchant's) or :class:`MalformedNotification`; all are :class:`NotificationError`,
        and the caller answers WeChat with a non-2xx for any of them.
        """
        raw = body.encode() if isinstance(body, str) else bytes(body)
        serial = self.config.verifier.verify(lower_headers(headers), raw)
        try:
            envelope = json.loads(raw)
        except ValueError:
            raise MalformedNotification("notification body is not JSON") from None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
            raise MalformedNotification("notification has no resource object")
        plaintext = crypto.decrypt_resource(self.config.apiv3_key, envelope["resource"])
        try:
            resource = json.loads(plaintext)
        except ValueError:
            raise MalformedNotification("decrypted resource is not JSON") from None
        if not isinstance(resource, dict):
            raise MalformedNotification("decrypted resource is not a JSON object")
        self._check_addressee(resource)
        return Notification(
            id=str(envelope.get("id", "")), event_type=str(envelope.get("event_type", "")),
            create_time=parse_time(envelope.get("create_time")),
            resource_type=str(envelope.get("resource_type", "")),
            summary=str(envelope.get("summary", "")), resource=resource, serial=serial)

    def _check_addressee(self, resource: dict[str, Any]) -> None:
        """Simulated merchants share keys, and a real one may share them across shops: the
        resource must name this config's merchant (and AppID, when it carries one)."""
        mchid = resource.get("mchid", resource.get("mch_id"))  # transfers say mch_id
        appid = resource.get("appid")
        if mchid != self.config.mchid:
            raise ForeignNotification(f"notification is for merchant {mchid!r}, "
                                      f"not {self.config.mchid!r}")
        if appid is not None and appid != self.config.appid:
            raise ForeignNotification(f"notification is for AppID {appid!r}, "
                                      f"not {self.config.appid!r}")

    # --- the wire ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, body: dict[str, Any] | None = None,
              query: Mapping[str, str] | None = None) -> dict[str, Any] | None:
        response = self.send(method, path, body=body, query=query)
        if not response.ok:
            raise api_error(response)
        try:
            self.config.verifier.verify(lower_headers(response.headers), response.body)
        except NotificationError as exc:
            raise ResponseVerificationFailed(f"{method} {path}: {exc.detail}") from exc
        if not response.body:
            return None
        try:
            answer = json.loads(response.body)
        except ValueError:
            raise WechatPayApiError("answer is not JSON", http_status=response.status,
                                    wechat_code="MALFORMED_RESPONSE") from None
        return answer if isinstance(answer, dict) else None

    def send(self, method: str, path: str, *, body: dict[str, Any] | None = None,
             query: Mapping[str, str] | None = None) -> HttpResponse:
        """A signed request as this merchant; the answer as it came (not yet verified)."""
        return send_signed(self.transport, self.config, method, path, body=body, query=query)



def send_signed(transport: Transport, merchant: Any, method: str, path: str, *,
                body: dict[str, Any] | None = None,
                query: Mapping[str, str] | None = None) -> HttpResponse:
    """Sign and send one API v3 request as ``merchant`` (anything with ``base_url``, ``mchid``,
    ``merchant_serial_no`` and ``merchant_private_key``, e.g. a :class:`WechatPayConfig`)."""
    url = path + (f"?{urlencode(query)}" if query else "")
    data = (json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            if body is not None else b"")
    auth = crypto.build_authorization(
        mchid=merchant.mchid, serial_no=merchant.merchant_serial_no,
        private_key=merchant.merchant_private_key, method=method, url=url, body=data)
    headers = {"Authorization": auth.header(), "Accept": "application/json",
               "User-Agent": USER_AGENT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return transport(HttpRequest(method, merchant.base_url.rstrip("/") + url, headers, data))


def api_error(response: HttpResponse) -> WechatPayApiError:
    """The error a non-2xx answer means (``TransactionNotFound`` for a missing order)."""
    try:
        answer = json.loads(response.body or b"{}")
    except ValueError:
        answer = {}
    if not isinstance(answer, dict):
        answer = {}
    code = str(answer.get("code") or f"HTTP_{response.status}")
    message = str(answer.get("message") or response.body[:200].decode(errors="replace"))
    cls = TransactionNotFound if (response.status == 404 or code in NOT_FOUND_CODES) \
        else WechatPayApiError
    return cls(message, http_status=response.status, wechat_code=code)
