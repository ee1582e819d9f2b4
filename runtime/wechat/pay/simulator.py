"""A local WeChat Pay (API v3) that speaks the real protocol, for the demo and the tests.

It has its own keys (see :mod:`runtime.wechat.simkeys`), checks our request signatures,
signs its answers, and sends notifications encrypted and signed exactly as WeChat does, so
the real verification path of :class:`WechatPayClient` runs. State lives in Redis under
``mallkit:wxsim:*``. Everything here refuses to work unless ``settings.simulators_enabled``;
and since only a simulator configuration trusts the simulator's keys, nothing the simulator
sends can mark a real order paid.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import secrets
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import redis
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template_string,
    request,
)

from runtime.clock import utcnow
from runtime.settings import Settings
from runtime.wechat import keys
from runtime.wechat.errors import NotificationError, SimulatorDisabled
from runtime.wechat.guard import refusal
from runtime.wechat.pay import crypto
from runtime.wechat.pay.certificates import ASSOCIATED_DATA as CERTIFICATE_ASSOCIATED_DATA
from runtime.wechat.pay.client import wechat_time
from runtime.wechat.pay.config import SIMULATOR_PREFIX, WechatPayConfig
from runtime.wechat.pay.objects import RefundStatus, TradeState, parse_time
from runtime.wechat.simkeys import (
    KeyMode,
    SimulatorMaterial,
    is_sim_mchid,
    new_key,
    self_signed,
    sim_key_mode,
    sim_mchid,
    simulator_material,
)
from runtime.wechat.transport import AppTransport, HttpRequest, Transport

log = logging.getLogger(__name__)

SIMULATOR_BASE_URL = f"http://wxsim.localhost{SIMULATOR_PREFIX}"
"""Base URL of simulator configurations; the host only matters over real HTTP."""
WECHAT_OUT_NO = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")
PAYABLE_STATES = frozenset({TradeState.NOTPAY, TradeState.USERPAYING})
MAX_DELIVERY_LOG = 200
MAX_REFUNDS = 50
REFUND_SPACING = timedelta(minutes=1)


def simulator_pay_config(settings: Settings, *, shop_id: int = 0, notify_url: str = "",
                         key_mode: KeyMode | str = KeyMode.PUBLIC_KEY,
                         base_url: str = SIMULATOR_BASE_URL) -> WechatPayConfig:
    """A complete merchant configuration for ``shop_id`` pointing at the simulator.

    ``key_mode`` picks how the simulator signs towards this merchant: WeChat Pay public key
    (``PUB_KEY_ID_...``, the default, like every new merchant) or platform certificate.
    Raises :class:`SimulatorDisabled` when simulators are off.
    """
    material = simulator_material(settings)
    mode = KeyMode(key_mode)
    verification: dict[str, Any] = (
        {"public_key_id": material.public_key_id, "public_key_pem": material.public_key_pem}
        if mode is KeyMode.PUBLIC_KEY
        else {"platform_certificates": (material.platform_cert_pem,)})
    return WechatPayConfig(
        mchid=sim_mchid(shop_id, mode), appid=material.appid,
        merchant_private_key_pem=material.merchant_key_pem,
        merchant_serial_no=material.merchant_serial, apiv3_key=material.apiv3_key,
        notify_url=notify_url, base_url=base_url, simulator=True, **verification)


class SimPayError(Exception):
    """An error answer of the simulated WeChat Pay: HTTP status + WeChat's code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        return Response(json.dumps({"code": self.code, "message": self.message},
                                   ensure_ascii=False),
                        status=self.status, mimetype="application/json")


@dataclass(frozen=True)
class SignedNotification:
    """A notification as WeChat would POST it: where to, headers and exact body bytes."""

    url: str
    headers: dict[str, str]
    body: bytes
    event_id: str
    event_type: str


@dataclass(frozen=True)
class Delivery:
    """What our notify endpoint answered; WeChat counts 200/204 as received."""

    url: str
    event_id: str
    event_type: str
    status: int
    body: bytes

    @property
    def accepted(self) -> bool:
        return self.status in (200, 204)


@functools.lru_cache(maxsize=16)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    return crypto.load_private_key(pem)


def _digits(n: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


def _public(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored record without the simulator's own ``_`` fields: what WeChat would show."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


class WechatPaySimulator:
    """The simulated WeChat Pay: state in Redis, keys from ``DATA_DIR/wxsim``."""

    def __init__(self, settings: Settings, connection: redis.Redis) -> None:
        self.material: SimulatorMaterial = simulator_material(settings)
        self.redis = connection

    @classmethod
    def for_app(cls, app: Flask | None = None) -> WechatPaySimulator:
        mk = (app or current_app).extensions["mallkit"]
        return cls(mk.settings, mk.redis)

    # --- storage ----------------------------------------------------------------------------

    def _get(self, key: str) -> dict[str, Any] | None:
        raw = self.redis.get(key)
        return json.loads(raw) if raw else None

    def _put(self, key: str, record: Mapping[str, Any]) -> None:
        self.redis.set(key, json.dumps(record, ensure_ascii=False), ex=keys.SIM_STATE_TTL)

    @contextmanager
    def _locked(self, mchid: str, out_trade_no: str) -> Iterator[None]:
        """One state change of a transaction (and its refunds) at a time."""
        with self.redis.lock(keys.sim_transaction_lock(mchid, out_trade_no), timeout=10,
                             blocking_timeout=10):
            yield

    def _resolve_mchid(self, out_trade_no: str, mchid: str | None) -> str:
        if mchid:
            return mchid
        found = sorted(m.decode() for m in
                       self.redis.smembers(keys.sim_out_trade_no_index(out_trade_no)))
        if not found:
            raise SimPayError(404, "ORDER_NOT_EXIST", f"订单不存在: {out_trade_no}")
        if len(found) > 1:
            raise SimPayError(400, "PARAM_ERROR", f"{out_trade_no} exists for several sim "
                                                  f"merchants ({', '.join(found)}); give mchid")
        return found[0]

    def transaction(self, out_trade_no: str, mchid: str | None = None) -> dict[str, Any]:
        """The stored transaction (with ``_`` sim fields); 404 ``SimPayError`` if unknown."""
        mchid = self._resolve_mchid(out_trade_no, mchid)
        record = self._get(keys.sim_transaction(mchid, out_trade_no))
        if record is None:
            raise SimPayError(404, "ORDER_NOT_EXIST", "订单不存在")
        return record

    def transaction_by_prepay_id(self, prepay_id: str) -> dict[str, Any]:
        ref = self.redis.get(keys.sim_prepay(prepay_id))
        if not ref:
            raise SimPayError(400, "PARAM_ERROR", "prepay_id 不存在或已过期")
        mchid, out_trade_no = ref.decode().split(" ", 1)
        return self.transaction(out_trade_no, mchid)

    def refund_record(self, out_refund_no: str, mchid: str | None = None) -> dict[str, Any]:
        if not mchid:
            found = sorted(m.decode() for m in
                           self.redis.smembers(keys.sim_out_refund_no_index(out_refund_no)))
            if len(found) != 1:
                raise SimPayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            mchid = found[0]
        record = self._get(keys.sim_refund(mchid, out_refund_no))
        if record is None:
            raise SimPayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return record

    def shipping_uploads(self, out_trade_no: str, mchid: str | None = None,
                         ) -> list[dict[str, Any]]:
        """The shipping-info uploads recorded for a transaction, oldest first."""
        mchid = self._resolve_mchid(out_trade_no, mchid)
        return [json.loads(x) for x in
                self.redis.lrange(keys.sim_shipping(mchid, out_trade_no), 0, -1)]

    def deliveries(self) -> list[dict[str, Any]]:
        """Recent notification deliveries, newest first (for the demo and debugging)."""
        return [json.loads(x) for x in self.redis.lrange(keys.sim_deliveries(), 0, -1)]

    # --- the WeChat Pay API -----------------------------------------------------------------

    def create_jsapi(self, mchid: str, body: Mapping[str, Any]) -> str:
        """``POST /v3/pay/transactions/jsapi``: returns the ``prepay_id``."""
        return self._create(mchid, body, "JSAPI")

    def create_h5(self, mchid: str, body: Mapping[str, Any]) -> str:
        """``POST /v3/pay/transactions/h5``: returns the ``h5_url`` of the simulated cashier
        (a path on this server: ``/_sim/wechatpay/sim/h5pay?prepay_id=...``)."""
        prepay_id = self._create(mchid, body, "MWEB")
        return f"{SIMULATOR_PREFIX}/sim/h5pay?prepay_id={prepay_id}"

    def _create(self, mchid: str, body: Mapping[str, Any], trade_type: str) -> str:
        out_trade_no = self._check_order(mchid, body, trade_type)
        amount = body["amount"]
        with self._locked(mchid, out_trade_no):
            key = keys.sim_transaction(mchid, out_trade_no)
            existing = self._get(key)
            if existing is not None:
                return self._repeat(existing, body, trade_type)
            prepay_id = f"wx{utcnow():%Y%m%d%H%M%S}{secrets.token_hex(10)}"
            record: dict[str, Any] = {
                "appid": body["appid"], "mchid": mchid, "out_trade_no": out_trade_no,
                "trade_type": trade_type, "trade_state": TradeState.NOTPAY.value,
                "trade_state_desc": "订单未支付", "attach": body.get("attach", ""),
                "payer": ({"openid": body["payer"]["openid"]} if trade_type == "JSAPI" else {}),
                "amount": {"total": amount["total"], "currency": "CNY",
                           "payer_currency": "CNY"},
                "_description": body["description"], "_notify_url": body["notify_url"],
                "_prepay_id": prepay_id, "_time_expire": body.get("time_expire", ""),
                "_created_at": wechat_time(utcnow()),
            }
            self._put(key, record)
            self.redis.set(keys.sim_prepay(prepay_id), f"{mchid} {out_trade_no}",
                           ex=keys.SIM_STATE_TTL)
            index = keys.sim_out_trade_no_index(out_trade_no)
            self.redis.sadd(index, mchid)
            self.redis.expire(index, keys.SIM_STATE_TTL)
            return prepay_id

    def _check_order(self, mchid: str, body: Mapping[str, Any], trade_type: str) -> str:
        def fail(message: str) -> SimPayError:
            return SimPayError(400, "PARAM_ERROR", message)

        if body.get("mchid") != mchid:
            raise fail("请求中的 mchid 与 Authorization 中的商户号不一致")
        if body.get("appid") != self.material.appid:
            raise SimPayError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        out_trade_no = body.get("out_trade_no")
        if not isinstance(out_trade_no, str) or not WECHAT_OUT_NO.match(out_trade_no):
            raise fail("out_trade_no 格式错误 (6-32 位字母、数字、_-|*)")
        description = body.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 127:
            raise fail("description 长度须为 1-127")
        notify = urlsplit(str(body.get("notify_url") or ""))
        if notify.scheme not in ("http", "https") or not notify.netloc or notify.query:
            raise fail("notify_url 须为不带参数的绝对 URL")
        amount = body.get("amount")
        total = amount.get("total") if isinstance(amount, dict) else None
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise fail("amount.total 须为正整数 (分)")
        if amount.get("currency", "CNY") != "CNY":
            raise fail("amount.currency 仅支持 CNY")
        if trade_type == "JSAPI":
            payer = body.get("payer")
            if not isinstance(payer, dict) or not isinstance(payer.get("openid"), str) \
                    or not payer["openid"]:
                raise fail("payer.openid 不能为空")
        else:
            scene = body.get("scene_info")
            if not isinstance(scene, dict) or not scene.get("payer_client_ip") \
                    or not isinstance(scene.get("h5_info"), dict):
                raise fail("scene_info.payer_client_ip 和 scene_info.h5_info 不能为空")
        if body.get("time_expire") and parse_time(body["time_expire"]) is None:
            raise fail("time_expire 须为 RFC 3339 时间")
        return out_trade_no

    @staticmethod
    def _repeat(existing: dict[str, Any], body: Mapping[str, Any], trade_type: str) -> str:
        state = existing["trade_state"]
        if state in (TradeState.SUCCESS, TradeState.REFUND):
            raise SimPayError(400, "ORDERPAID", "该订单已支付")
        if state == TradeState.CLOSED:
            raise SimPayError(400, "ORDER_CLOSED", "订单已关闭")
        same = (existing["amount"]["total"] == body["amount"]["total"]
                and existing["trade_type"] == trade_type
                and existing["payer"].get("openid") == (body.get("payer") or {}).get("openid")
                and existing["_description"] == body["description"]
                and existing["appid"] == body["appid"])
        if not same:
            raise SimPayError(400, "INVALID_REQUEST", "请求重入时，参数与首次请求时不一致")
        return existing["_prepay_id"]

    def query(self, mchid: str, out_trade_no: str) -> dict[str, Any]:
        """``GET /v3/pay/transactions/out-trade-no/{out_trade_no}``."""
        return _public(self.transaction(out_trade_no, mchid))

    def close(self, mchid: str, out_trade_no: str) -> None:
        """``POST .../close``: an unpaid order can no longer be paid."""
        with self._locked(mchid, out_trade_no):
            record = self.transaction(out_trade_no, mchid)
            if record["trade_state"] in (TradeState.SUCCESS, TradeState.REFUND):
                raise SimPayError(400, "ORDERPAID", "订单已支付，不能关闭")
            record.update(trade_state=TradeState.CLOSED.value, trade_state_desc="订单已关闭")
            self._put(keys.sim_transaction(mchid, out_trade_no), record)

    def mark_paid(self, out_trade_no: str, *, mchid: str | None = None) -> dict[str, Any]:
        """The payer pays: NOTPAY -> SUCCESS (idempotent when already paid)."""
        mchid = self._resolve_mchid(out_trade_no, mchid)
        with self._locked(mchid, out_trade_no):
            record = self.transaction(out_trade_no, mchid)
            state = record["trade_state"]
            if state in (TradeState.SUCCESS, TradeState.REFUND):
                return record
            if state not in PAYABLE_STATES:
                raise SimPayError(400, "ORDER_CLOSED", f"订单状态 {state}，不能支付")
            expires = parse_time(record.get("_time_expire"))
            if expires is not None and utcnow() > expires:
                raise SimPayError(400, "ORDER_CLOSED", "订单已超过支付截止时间 (time_expire)")
            now = utcnow()
            transaction_id = f"4200{_digits(6)}{now:%Y%m%d}{_digits(10)}"
            record.update(
                transaction_id=transaction_id, trade_state=TradeState.SUCCESS.value,
                trade_state_desc="支付成功", bank_type="OTHERS",
                success_time=wechat_time(now))
            record["amount"]["payer_total"] = record["amount"]["total"]
            self._put(keys.sim_transaction(mchid, out_trade_no), record)
            self.redis.set(keys.sim_transaction_id(transaction_id), f"{mchid} {out_trade_no}",
                           ex=keys.SIM_STATE_TTL)
            return record

    def locate_transaction_id(self, transaction_id: str) -> tuple[str, str] | None:
        """(mchid, out_trade_no) of a WeChat transaction id, or None."""
        ref = self.redis.get(keys.sim_transaction_id(transaction_id))
        if not ref:
            return None
        mchid, out_trade_no = ref.decode().split(" ", 1)
        return mchid, out_trade_no

    def create_refund(self, mchid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v3/refund/domestic/refunds``: a PROCESSING refund (same answer on repeat)."""
        out_trade_no = body.get("out_trade_no")
        if not out_trade_no and body.get("transaction_id"):
            located = self.locate_transaction_id(str(body["transaction_id"]))
            if located is None or located[0] != mchid:
                raise SimPayError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
            out_trade_no = located[1]
        out_refund_no = body.get("out_refund_no")
        if not isinstance(out_trade_no, str) or not out_trade_no:
            raise SimPayError(400, "PARAM_ERROR", "out_trade_no 与 transaction_id 必填其一")
        if not isinstance(out_refund_no, str) or not WECHAT_OUT_NO.match(out_refund_no):
            raise SimPayError(400, "PARAM_ERROR", "out_refund_no 格式错误")
        amount = body.get("amount") if isinstance(body.get("amount"), dict) else {}
        refund, total = amount.get("refund"), amount.get("total")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                   for v in (refund, total)):
            raise SimPayError(400, "PARAM_ERROR", "amount.refund 与 amount.total 须为正整数 (分)")
        notify_url = body.get("notify_url") or ""
        with self._locked(mchid, out_trade_no):
            record = self._get(keys.sim_transaction(mchid, out_trade_no))
            if record is None:
                raise SimPayError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
            refund_key = keys.sim_refund(mchid, out_refund_no)
            existing = self._get(refund_key)
            if existing is not None:
                if (existing["out_trade_no"] != out_trade_no
                        or existing["amount"]["refund"] != refund):
                    raise SimPayError(400, "INVALID_REQUEST",
                                      "请求重入时，参数与首次请求时不一致")
                return existing
            if record["trade_state"] not in (TradeState.SUCCESS, TradeState.REFUND):
                raise SimPayError(400, "INVALID_REQUEST", "订单未支付，不能退款")
            if total != record["amount"]["total"]:
                raise SimPayError(400, "PARAM_ERROR", "amount.total 与原订单金额不一致")
            refunded = self._refunded_fen(mchid, out_trade_no)
            if refunded + refund > total:
                raise SimPayError(400, "INVALID_REQUEST",
                                  f"申请退款金额超过订单可退金额 (可退 {total - refunded} 分)")
            now = utcnow()
            self._check_refund_limits(mchid, out_trade_no, record, now)
            entry: dict[str, Any] = {
                "refund_id": f"50{_digits(4)}{now:%Y%m%d}{_digits(16)}",
                "out_refund_no": out_refund_no,
                "transaction_id": record["transaction_id"], "out_trade_no": out_trade_no,
                "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
                "create_time": wechat_time(now), "status": RefundStatus.PROCESSING.value,
                "funds_account": "AVAILABLE",
                "amount": {"total": total, "refund": refund, "payer_total": total,
                           "payer_refund": refund, "settlement_total": total,
                           "settlement_refund": refund, "discount_refund": 0,
                           "currency": "CNY", "refund_fee": 0},
                "_mchid": mchid, "_notify_url": notify_url,
                "_reason": body.get("reason", ""),
            }
            self._put(refund_key, entry)
            for key, member in ((keys.sim_refunds_of(mchid, out_trade_no), out_refund_no),
                                (keys.sim_out_refund_no_index(out_refund_no), mchid)):
                self.redis.sadd(key, member)
                self.redis.expire(key, keys.SIM_STATE_TTL)
            return entry

    def _check_refund_limits(self, mchid: str, out_trade_no: str, record: dict[str, Any],
                             now: datetime) -> None:
        """WeChat's limits on partial refunds: at most 50 per payment, a minute apart
        (``record`` keeps the last one's time; the caller holds the transaction's lock)."""
        if self.redis.scard(keys.sim_refunds_of(mchid, out_trade_no)) >= MAX_REFUNDS:
            raise SimPayError(403, "REQUEST_BLOCKED",
                              f"该订单部分退款次数已达上限 ({MAX_REFUNDS} 次)")
        last = parse_time(record.get("_last_refund_at"))
        if last is not None and now - last < REFUND_SPACING:
            raise SimPayError(429, "FREQUENCY_LIMITED", "频率限制：同一订单的退款请求须间隔 1 分钟")
        record["_last_refund_at"] = wechat_time(now)
        self._put(keys.sim_transaction(mchid, out_trade_no), record)

    def _refunded_fen(self, mchid: str, out_trade_no: str) -> int:
        """Refunds that hold or took money: every status except CLOSED."""
        total = 0
        for member in self.redis.smembers(keys.sim_refunds_of(mchid, out_trade_no)):
            entry = self._get(keys.sim_refund(mchid, member.decode()))
            if entry and entry["status"] != RefundStatus.CLOSED:
                total += entry["amount"]["refund"]
        return total

    def query_refund(self, mchid: str, out_refund_no: str) -> dict[str, Any]:
        return _public(self.refund_record(out_refund_no, mchid))

    def complete_refund(self, out_refund_no: str, *, mchid: str | None = None,
                        status: RefundStatus | str = RefundStatus.SUCCESS) -> dict[str, Any]:
        """The refund finishes: PROCESSING -> SUCCESS, ABNORMAL or CLOSED (idempotent)."""
        status = RefundStatus(status)
        if status is RefundStatus.PROCESSING:
            raise ValueError("a refund completes as SUCCESS, ABNORMAL or CLOSED")
        entry = self.refund_record(out_refund_no, mchid)
        mchid = entry["_mchid"]
        with self._locked(mchid, entry["out_trade_no"]):
            entry = self.refund_record(out_refund_no, mchid)
            if entry["status"] == status:
                return entry
            if entry["status"] != RefundStatus.PROCESSING:
                raise SimPayError(400, "INVALID_REQUEST",
                                  f"退款单状态为 {entry['status']}，不能改为 {status}")
            entry["status"] = status.value
            if status is RefundStatus.SUCCESS:
                entry["success_time"] = wechat_time(utcnow())
                txn_key = keys.sim_transaction(mchid, entry["out_trade_no"])
                record = self._get(txn_key)
                if record is not None:
                    record.update(trade_state=TradeState.REFUND.value,
                                  trade_state_desc="转入退款")
                    self._put(txn_key, record)
            self._put(keys.sim_refund(mchid, out_refund_no), entry)
            return entry

    def record_shipping(self, mchid: str, out_trade_no: str, upload: Mapping[str, Any]) -> None:
        """Keep a shipping-info upload (done by the mini-program simulator's endpoint)."""
        key = keys.sim_shipping(mchid, out_trade_no)
        self.redis.rpush(key, json.dumps(dict(upload), ensure_ascii=False))
        self.redis.expire(key, keys.SIM_STATE_TTL)

    # --- signing ----------------------------------------------------------------------------

    def signing_key(self, mchid: str) -> tuple[str, rsa.RSAPrivateKey]:
        """(serial, private key) WeChat signs with towards this sim merchant: its public key,
        or the newest platform certificate in force."""
        if sim_key_mode(mchid) is KeyMode.PUBLIC_KEY:
            return self.material.public_key_id, self.material.wechatpay_key
        now = utcnow()
        for cert_pem, key_pem in self.platform_certificates():
            cert = crypto.load_certificate(cert_pem)
            if cert.not_valid_before_utc <= now < cert.not_valid_after_utc:
                return crypto.certificate_serial(cert), _private_key(key_pem)
        return self.material.platform_serial, self.material.platform_key

    # --- platform certificates --------------------------------------------------------------

    def platform_certificates(self) -> list[tuple[str, str]]:
        """(certificate PEM, private key PEM) of every platform certificate issued, newest
        first; the key material's own until :meth:`issue_platform_certificate` runs."""
        raw = self.redis.get(keys.sim_platform_certificates())
        issued = [tuple(pair) for pair in json.loads(raw)] if raw else []
        return [*issued, (self.material.platform_cert_pem, self.material.platform_key_pem)]

    def issue_platform_certificate(self, *, effective_at: datetime | None = None,
                                   expires_at: datetime | None = None) -> str:
        """WeChat issues a new platform certificate (it signs with it once in force; the
        older ones stay valid until they expire). Returns its serial."""
        key = new_key()
        effective = effective_at or utcnow()
        cert = self_signed(key, "mallkit WeChat Pay simulator platform",
                           "mallkit WeChat Pay simulator", not_before=effective,
                           not_after=expires_at or effective + timedelta(days=5 * 365))
        raw = self.redis.get(keys.sim_platform_certificates())
        issued = json.loads(raw) if raw else []
        issued.insert(0, [crypto.certificate_pem(cert), crypto.private_key_pem(key)])
        self.redis.set(keys.sim_platform_certificates(), json.dumps(issued),
                       ex=keys.SIM_STATE_TTL)
        return crypto.certificate_serial(cert)

    def certificates(self) -> dict[str, Any]:
        """``GET /v3/certificates``: every unexpired platform certificate, encrypted with
        the APIv3 key as WeChat does (the answer is signed like any other)."""
        now = utcnow()
        data = []
        for cert_pem, _key in self.platform_certificates():
            cert = crypto.load_certificate(cert_pem)
            if cert.not_valid_after_utc <= now:
                continue
            data.append({
                "serial_no": crypto.certificate_serial(cert),
                "effective_time": wechat_time(cert.not_valid_before_utc),
                "expire_time": wechat_time(cert.not_valid_after_utc),
                "encrypt_certificate": crypto.aead_encrypt(
                    self.material.apiv3_key, cert_pem.encode(),
                    associated_data=CERTIFICATE_ASSOCIATED_DATA)})
        return {"data": data}

    def sign_answer(self, mchid: str, body: bytes) -> dict[str, str]:
        serial, key = self.signing_key(mchid)
        return crypto.sign_response_headers(key, serial, body)

    def authenticate(self, *, method: str, url: str, authorization: str, body: bytes) -> str:
        """Check a merchant request's signature like WeChat Pay does; returns the mchid."""
        if not authorization:
            raise SimPayError(401, "SIGN_ERROR", "缺少 Authorization 请求头")
        try:
            auth = crypto.Authorization.parse(authorization)
        except NotificationError as exc:
            raise SimPayError(401, "SIGN_ERROR", exc.detail) from None
        if not is_sim_mchid(auth.mchid):
            raise SimPayError(401, "SIGN_ERROR", f"商户号 {auth.mchid} 不是模拟器的商户")
        if auth.serial_no.upper() != self.material.merchant_serial:
            raise SimPayError(401, "SIGN_ERROR", "商户证书序列号有误")
        try:
            crypto.verify_authorization(auth, self.material.merchant_public_key,
                                        method=method, url=url, body=body)
        except NotificationError as exc:
            raise SimPayError(401, "SIGN_ERROR", f"签名错误: {exc.detail}") from None
        return auth.mchid

    # --- notifications ----------------------------------------------------------------------

    def build_notification(self, *, mchid: str, url: str, event_id: str, event_type: str,
                           summary: str, original_type: str, resource: Mapping[str, Any],
                           timestamp: int | None = None) -> SignedNotification:
        """Encrypt ``resource`` with the APIv3 key and sign the envelope, as WeChat does."""
        plaintext = json.dumps(dict(resource), ensure_ascii=False,
                               separators=(",", ":")).encode()
        envelope = {
            "id": event_id, "create_time": wechat_time(utcnow()),
            "resource_type": "encrypt-resource", "event_type": event_type,
            "summary": summary,
            "resource": {"original_type": original_type,
                         **crypto.aead_encrypt(self.material.apiv3_key, plaintext,
                                               associated_data=original_type)},
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        serial, key = self.signing_key(mchid)
        headers = {"Content-Type": "application/json",
                   **crypto.sign_response_headers(key, serial, body, timestamp=timestamp)}
        return SignedNotification(url, headers, body, event_id, event_type)

    def payment_notification(self, out_trade_no: str, *, mchid: str | None = None,
                             notify_url: str | None = None,
                             timestamp: int | None = None) -> SignedNotification:
        """``TRANSACTION.SUCCESS`` for a paid transaction; one event id however often sent."""
        mchid = self._resolve_mchid(out_trade_no, mchid)
        record = self.transaction(out_trade_no, mchid)
        if record["trade_state"] not in (TradeState.SUCCESS, TradeState.REFUND):
            raise SimPayError(400, "INVALID_REQUEST", f"{out_trade_no} is not paid")
        event_id = record.get("_event_id") or str(uuid.uuid4())
        if "_event_id" not in record:
            record["_event_id"] = event_id
            self._put(keys.sim_transaction(mchid, out_trade_no), record)
        resource = _public(record)
        resource.update(trade_state=TradeState.SUCCESS.value, trade_state_desc="支付成功")
        return self.build_notification(
            mchid=mchid, url=notify_url or record["_notify_url"], event_id=event_id,
            event_type="TRANSACTION.SUCCESS", summary="支付成功",
            original_type="transaction", resource=resource, timestamp=timestamp)

    def refund_notification(self, out_refund_no: str, *, mchid: str | None = None,
                            notify_url: str | None = None,
                            timestamp: int | None = None) -> SignedNotification:
        """``REFUND.SUCCESS`` / ``ABNORMAL`` / ``CLOSED`` for a completed refund."""
        entry = self.refund_record(out_refund_no, mchid)
        mchid = entry["_mchid"]
        status = entry["status"]
        if status == RefundStatus.PROCESSING:
            raise SimPayError(400, "INVALID_REQUEST", f"refund {out_refund_no} is processing")
        url = notify_url or entry["_notify_url"]
        if not url:
            raise SimPayError(400, "PARAM_ERROR",
                              f"refund {out_refund_no} was requested without a notify_url")
        event_id = entry.get("_event_id") or str(uuid.uuid4())
        if "_event_id" not in entry:
            entry["_event_id"] = event_id
            self._put(keys.sim_refund(mchid, out_refund_no), entry)
        amount = entry["amount"]
        resource = {
            "mchid": mchid, "transaction_id": entry["transaction_id"],
            "out_trade_no": entry["out_trade_no"], "refund_id": entry["refund_id"],
            "out_refund_no": out_refund_no, "refund_status": status,
            "user_received_account": entry["user_received_account"],
            "amount": {"total": amount["total"], "refund": amount["refund"],
                       "payer_total": amount["payer_total"],
                       "payer_refund": amount["payer_refund"]},
        }
        if entry.get("success_time"):
            resource["success_time"] = entry["success_time"]
        summary = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}[status]
        return self.build_notification(
            mchid=mchid, url=url, event_id=event_id, event_type=f"REFUND.{status}",
            summary=summary, original_type="refund", resource=resource, timestamp=timestamp)

    def signature_probe(self, url: str, *, mchid: str) -> SignedNotification:
        """A signature probe as WeChat sends them: the notify handler must answer non-2xx."""
        notification = self.build_notification(
            mchid=mchid, url=url, event_id=str(uuid.uuid4()), event_type="TRANSACTION.SUCCESS",
            summary="签名探测", original_type="transaction", resource={"probe": True})
        headers = dict(notification.headers)
        headers["Wechatpay-Signature"] = (crypto.SIGNATURE_PROBE_PREFIX
                                          + notification.headers["Wechatpay-Signature"])
        return SignedNotification(url, headers, notification.body, notification.event_id,
                                  notification.event_type)

    def deliver(self, notification: SignedNotification, transport: Transport) -> Delivery:
        """POST a notification; the answer is recorded in the delivery log."""
        response = transport(HttpRequest("POST", notification.url, notification.headers,
                                         notification.body))
        delivery = Delivery(notification.url, notification.event_id, notification.event_type,
                            response.status, response.body)
        self.redis.lpush(keys.sim_deliveries(), json.dumps({
            "event_id": delivery.event_id, "event_type": delivery.event_type,
            "url": delivery.url, "status": delivery.status, "accepted": delivery.accepted,
            "at": wechat_time(utcnow())}, ensure_ascii=False))
        self.redis.ltrim(keys.sim_deliveries(), 0, MAX_DELIVERY_LOG - 1)
        if not delivery.accepted:
            log.info("wxsim: %s to %s answered %s", delivery.event_type, delivery.url,
                     delivery.status)
        return delivery

    def send_payment_notification(self, out_trade_no: str, *, transport: Transport,
                                  mchid: str | None = None,
                                  notify_url: str | None = None) -> Delivery:
        """Pay the order (if not yet paid) and POST ``TRANSACTION.SUCCESS`` to its notify URL."""
        record = self.mark_paid(out_trade_no, mchid=mchid)
        return self.deliver(self.payment_notification(out_trade_no, mchid=record["mchid"],
                                                      notify_url=notify_url), transport)

    def send_refund_notification(self, out_refund_no: str, *, transport: Transport,
                                 mchid: str | None = None,
                                 status: RefundStatus | str = RefundStatus.SUCCESS,
                                 notify_url: str | None = None) -> Delivery:
        """Complete the refund (if still processing) and POST its ``REFUND.*`` notification."""
        entry = self.complete_refund(out_refund_no, mchid=mchid, status=status)
        return self.deliver(self.refund_notification(out_refund_no, mchid=entry["_mchid"],
                                                     notify_url=notify_url), transport)

    def request_payment(self, params: Mapping[str, Any], transport: Transport) -> Delivery:
        """What ``wx.requestPayment`` does: check ``paySign``, pay, notify the merchant."""
        if not crypto.verify_jsapi(self.material.merchant_public_key, params):
            raise SimPayError(400, "SIGN_ERROR", "requestPayment:fail 支付签名验证失败")
        package = str(params.get("package", ""))
        if not package.startswith("prepay_id="):
            raise SimPayError(400, "PARAM_ERROR", "requestPayment:fail package 格式错误")
        record = self.transaction_by_prepay_id(package.removeprefix("prepay_id="))
        if record["appid"] != params.get("appId"):
            raise SimPayError(400, "APPID_MCHID_NOT_MATCH", "requestPayment:fail appId 不匹配")
        return self.send_payment_notification(record["out_trade_no"], mchid=record["mchid"],
                                              transport=transport)


# --- module-level helpers for the CLI, jobs and tests (inside an app context) ---------------


def current_simulator() -> WechatPaySimulator:
    return WechatPaySimulator.for_app()


def send_payment_notification(out_trade_no: str, *, mchid: str | None = None,
                              transport: Transport | None = None,
                              notify_url: str | None = None) -> Delivery:
    """Simulate the payer paying ``out_trade_no`` and notify the shop (in-process by default).

    This is what ``mallkit wechatpay simulate-paid`` needs; it only knows simulator orders.
    """
    return current_simulator().send_payment_notification(
        out_trade_no, mchid=mchid, transport=transport or AppTransport(current_app),
        notify_url=notify_url)


def send_refund_notification(out_refund_no: str, *, mchid: str | None = None,
                             status: RefundStatus | str = RefundStatus.SUCCESS,
                             transport: Transport | None = None,
                             notify_url: str | None = None) -> Delivery:
    """Simulate a refund finishing (SUCCESS by default) and notify the shop."""
    return current_simulator().send_refund_notification(
        out_refund_no, mchid=mchid, status=status,
        transport=transport or AppTransport(current_app), notify_url=notify_url)


# --- the HTTP face: /_sim/wechatpay ---------------------------------------------------------

blueprint = Blueprint("wechatpay_simulator", __name__, url_prefix=SIMULATOR_PREFIX)


def _simulator() -> WechatPaySimulator:
    if "wxpay_sim" not in g:
        g.wxpay_sim = WechatPaySimulator.for_app()
    return g.wxpay_sim


@blueprint.before_request
def _guard_and_authenticate() -> Response | None:
    refused = refusal()
    if refused:
        return SimPayError(404, "NOT_FOUND", refused).response()
    if request.path.startswith(f"{SIMULATOR_PREFIX}/v3/"):
        g.wxpay_mchid = _simulator().authenticate(
            method=request.method, url=_signed_url(),
            authorization=request.headers.get("Authorization", ""), body=request.get_data())
    return None


def _signed_url() -> str:
    """The path and query as the merchant signed them (raw, as sent), without our prefix."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    start = raw.find(f"{SIMULATOR_PREFIX}/v3/")
    if start >= 0:
        return raw[start + len(SIMULATOR_PREFIX):]
    return request.full_path.rstrip("?")[len(SIMULATOR_PREFIX):]


@blueprint.after_request
def _sign(response: Response) -> Response:
    mchid = g.get("wxpay_mchid")
    if mchid and not response.direct_passthrough:
        response.headers.update(_simulator().sign_answer(mchid, response.get_data()))
    return response


@blueprint.errorhandler(SimPayError)
def _sim_error(error: SimPayError) -> Response:
    return error.response()


@blueprint.errorhandler(SimulatorDisabled)
def _sim_disabled(error: SimulatorDisabled) -> Response:
    return SimPayError(404, "NOT_FOUND", error.detail).response()


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise SimPayError(400, "PARAM_ERROR", "请求体须为 JSON 对象")
    return data


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    status=status, mimetype="application/json")


def _query_mchid() -> str:
    mchid = request.args.get("mchid", "")
    if mchid != g.wxpay_mchid:
        raise SimPayError(400, "PARAM_ERROR", "mchid 参数与 Authorization 中的商户号不一致")
    return mchid


@blueprint.post("/v3/pay/transactions/jsapi")
def jsapi() -> Response:
    return _json({"prepay_id": _simulator().create_jsapi(g.wxpay_mchid, _json_body())})


@blueprint.post("/v3/pay/transactions/h5")
def h5() -> Response:
    return _json({"h5_url": _simulator().create_h5(g.wxpay_mchid, _json_body())})


@blueprint.get("/v3/pay/transactions/out-trade-no/<out_trade_no>")
def query_transaction(out_trade_no: str) -> Response:
    return _json(_simulator().query(_query_mchid(), out_trade_no))


@blueprint.post("/v3/pay/transactions/out-trade-no/<out_trade_no>/close")
def close_transaction(out_trade_no: str) -> Response:
    if _json_body().get("mchid") != g.wxpay_mchid:
        raise SimPayError(400, "PARAM_ERROR", "mchid 与 Authorization 中的商户号不一致")
    _simulator().close(g.wxpay_mchid, out_trade_no)
    return Response(status=204)


@blueprint.get("/v3/certificates")
def certificates() -> Response:
    return _json(_simulator().certificates())


@blueprint.post("/v3/refund/domestic/refunds")
def create_refund() -> Response:
    return _json(_public(_simulator().create_refund(g.wxpay_mchid, _json_body())))


@blueprint.get("/v3/refund/domestic/refunds/<out_refund_no>")
def query_refund(out_refund_no: str) -> Response:
    return _json(_simulator().query_refund(g.wxpay_mchid, out_refund_no))


# Not WeChat endpoints: what the payer and WeChat's back office do, for the demo.


@blueprint.post("/sim/request-payment")
def request_payment() -> Response:
    """``wx.requestPayment`` stand-in: verifies ``paySign``, pays and notifies in-process."""
    delivery = _simulator().request_payment(_json_body(), AppTransport(current_app))
    return _json({"errMsg": "requestPayment:ok", "notification": _delivery_json(delivery)})


@blueprint.get("/sim/h5pay")
def h5_cashier() -> Response:
    """The H5 cashier ``h5_url`` leads to: the order's amount and a button that pays it."""
    record = _simulator().transaction_by_prepay_id(request.args.get("prepay_id", ""))
    return Response(render_template_string(
        H5_CASHIER, record=record, prepay_id=request.args.get("prepay_id", ""),
        redirect_url=_local_redirect(request.args.get("redirect_url", ""))),
        mimetype="text/html")


@blueprint.post("/sim/h5pay")
def h5_pay() -> Response:
    """The payer confirms in the H5 cashier: pay, notify in-process, go back to the shop."""
    record = _simulator().transaction_by_prepay_id(request.form.get("prepay_id", ""))
    _simulator().send_payment_notification(record["out_trade_no"], mchid=record["mchid"],
                                           transport=AppTransport(current_app))
    target = _local_redirect(request.form.get("redirect_url", ""))
    return redirect(target) if target else _json({"paid": True})


def _local_redirect(url: str) -> str:
    """Only a URL on the host that served the cashier is followed (no open redirect)."""
    parts = urlsplit(url)
    if not url or (parts.netloc and parts.netloc != request.host) \
            or parts.scheme not in ("", "http", "https"):
        return ""
    return url


H5_CASHIER = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>微信支付（模拟）</title>
<style>body{margin:0;font:15px/1.5 sans-serif;background:#f7f7f7;text-align:center}
main{margin:40px 16px;padding:24px 16px;border-radius:12px;background:#fff}
.amount{font-size:32px;font-weight:700}button{width:100%;min-height:44px;border:0;border-radius:8px;
background:#07c160;color:#fff;font:inherit;font-size:17px}p{color:#888}</style></head>
<body><main><h1>微信支付（模拟）</h1><p>{{ record._description }}</p>
<div class="amount">¥{{ '%.2f' % (record.amount.total / 100) }}</div>
{% if record.trade_state in ('NOTPAY', 'USERPAYING') %}
<form method="post"><input type="hidden" name="prepay_id" value="{{ prepay_id }}">
<input type="hidden" name="redirect_url" value="{{ redirect_url }}">
<button type="submit">确认支付</button></form>
{% else %}<p>{{ record.trade_state_desc }}</p>{% endif %}
<p>这是 mallkit 的本地模拟收银台，不会产生真实扣款。</p></main></body></html>"""


@blueprint.post("/sim/refunds/<out_refund_no>/complete")
def complete_refund(out_refund_no: str) -> Response:
    """Finish a refund (``{"status": "SUCCESS"|"ABNORMAL"|"CLOSED"}``) and notify in-process."""
    status = _json_body().get("status", "SUCCESS") if request.content_length else "SUCCESS"
    if status not in ("SUCCESS", "ABNORMAL", "CLOSED"):
        raise SimPayError(400, "PARAM_ERROR", "status 须为 SUCCESS、ABNORMAL 或 CLOSED")
    delivery = _simulator().send_refund_notification(out_refund_no, status=status,
                                                     transport=AppTransport(current_app))
    return _json({"notification": _delivery_json(delivery)})


def _delivery_json(delivery: Delivery) -> dict[str, Any]:
    return {"event_id": delivery.event_id, "event_type": delivery.event_type,
            "url": delivery.url, "status": delivery.status, "accepted": delivery.accepted}
