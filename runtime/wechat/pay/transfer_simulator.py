"""The simulated merchant transfer (商家转账到零钱) of the local WeChat Pay.

``POST /v3/fund-app/mch-transfer/transfer-bills`` accepts a bill (the same ``out_bill_no``
with the same fields answers the same bill; different fields are ``INVALID_REQUEST``),
``GET .../transfer-bills/out-bill-no/{out_bill_no}`` shows it, and :meth:`TransferSimulator.
complete` ends it as ``SUCCESS`` or ``FAIL`` and POSTs ``MCHTRANSFER.BILL.FINISHED``
(resource ``mch_payment``), encrypted and signed like every other v3 notification.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, g, request

from runtime.clock import utcnow
from runtime.wechat import keys
from runtime.wechat.pay.client import wechat_time
from runtime.wechat.pay.simulator import (
    WECHAT_OUT_NO,
    Delivery,
    SignedNotification,
    SimPayError,
    WechatPaySimulator,
    _delivery_json,
    _json,
    _json_body,
    _public,
    _simulator,
    blueprint,
)
from runtime.wechat.transport import AppTransport, Transport

FINAL_STATES = frozenset({"SUCCESS", "FAIL", "CANCELLED"})
EVENT_TYPE = "MCHTRANSFER.BILL.FINISHED"
SAME_FIELDS = ("appid", "openid", "transfer_amount", "transfer_remark", "transfer_scene_id")


class TransferSimulator:
    """Transfer bills of the simulated WeChat Pay (state in the simulator's Redis)."""

    def __init__(self, simulator: WechatPaySimulator) -> None:
        self.sim = simulator

    def bill(self, mchid: str, out_bill_no: str) -> dict[str, Any]:
        record = self.sim._get(keys.sim_transfer(mchid, out_bill_no))
        if record is None:
            raise SimPayError(404, "NOT_FOUND", "转账单不存在")
        return record

    def create(self, mchid: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """Accept a bill (state ``ACCEPTED``); a repeat with the same fields answers it."""
        out_bill_no = self._check(body)
        with self.sim._locked(mchid, f"transfer-{out_bill_no}"):
            key = keys.sim_transfer(mchid, out_bill_no)
            existing = self.sim._get(key)
            if existing is not None:
                if any(existing.get(f) != body.get(f) for f in SAME_FIELDS):
                    raise SimPayError(400, "INVALID_REQUEST",
                                      "请求重入时，参数与首次请求时不一致")
                return existing
            now = wechat_time(utcnow())
            record = {"mch_id": mchid, "out_bill_no": out_bill_no,
                      "transfer_bill_no": f"1330{secrets.token_hex(14)}",
                      "appid": body["appid"], "state": "ACCEPTED",
                      "transfer_amount": body["transfer_amount"],
                      "transfer_remark": body["transfer_remark"], "openid": body["openid"],
                      "transfer_scene_id": body["transfer_scene_id"],
                      "create_time": now, "update_time": now,
                      "_notify_url": body.get("notify_url", "")}
            self.sim._put(key, record)
            return record

    def _check(self, body: Mapping[str, Any]) -> str:
        def fail(message: str) -> SimPayError:
            return SimPayError(400, "PARAM_ERROR", message)

        if body.get("appid") != self.sim.material.appid:
            raise SimPayError(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        out_bill_no = body.get("out_bill_no")
        if not isinstance(out_bill_no, str) or not WECHAT_OUT_NO.match(out_bill_no):
            raise fail("out_bill_no 格式错误")
        amount = body.get("transfer_amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 10:
            raise fail("transfer_amount 须为不少于 10 的整数 (分)")
        if not isinstance(body.get("openid"), str) or not body["openid"]:
            raise fail("openid 不能为空")
        remark = body.get("transfer_remark")
        if not isinstance(remark, str) or not 1 <= len(remark) <= 32:
            raise fail("transfer_remark 长度须为 1-32")
        if not isinstance(body.get("transfer_scene_id"), str):
            raise fail("transfer_scene_id 不能为空")
        notify = urlsplit(str(body.get("notify_url") or ""))
        if notify.scheme not in ("http", "https") or not notify.netloc:
            raise fail("notify_url 须为绝对 URL")
        return out_bill_no

    def complete(self, mchid: str, out_bill_no: str, state: str = "SUCCESS",
                 fail_reason: str = "") -> dict[str, Any]:
        """The transfer ends: ``SUCCESS`` or ``FAIL`` (idempotent for the same state)."""
        if state not in ("SUCCESS", "FAIL"):
            raise SimPayError(400, "PARAM_ERROR", "state 须为 SUCCESS 或 FAIL")
        with self.sim._locked(mchid, f"transfer-{out_bill_no}"):
            record = self.bill(mchid, out_bill_no)
            if record["state"] == state:
                return record
            if record["state"] in FINAL_STATES:
                raise SimPayError(400, "INVALID_REQUEST", f"转账单已是 {record['state']}")
            record.update(state=state, update_time=wechat_time(utcnow()))
            if state == "FAIL":
                record["fail_reason"] = fail_reason or "PAYEE_ACCOUNT_ABNORMAL"
            self.sim._put(keys.sim_transfer(mchid, out_bill_no), record)
            return record

    def notification(self, mchid: str, out_bill_no: str, *,
                     timestamp: int | None = None) -> SignedNotification:
        """``MCHTRANSFER.BILL.FINISHED`` of a finished bill; one event id however often sent."""
        record = self.bill(mchid, out_bill_no)
        if record["state"] not in FINAL_STATES:
            raise SimPayError(400, "INVALID_REQUEST", f"{out_bill_no} is not finished")
        if "_event_id" not in record:
            record["_event_id"] = str(uuid.uuid4())
            self.sim._put(keys.sim_transfer(mchid, out_bill_no), record)
        resource = {k: record[k] for k in ("out_bill_no", "transfer_bill_no", "state", "mch_id",
                                           "transfer_amount", "openid", "create_time",
                                           "update_time") if k in record}
        if record.get("fail_reason"):
            resource["fail_reason"] = record["fail_reason"]
        return self.sim.build_notification(
            mchid=mchid, url=record["_notify_url"], event_id=record["_event_id"],
            event_type=EVENT_TYPE, summary="商家转账单据终态通知", original_type="mch_payment",
            resource=resource, timestamp=timestamp)

    def finish(self, mchid: str, out_bill_no: str, transport: Transport,
               state: str = "SUCCESS", fail_reason: str = "") -> Delivery:
        """End the bill and POST its notification to the merchant's notify URL."""
        self.complete(mchid, out_bill_no, state, fail_reason)
        return self.sim.deliver(self.notification(mchid, out_bill_no), transport)


def current_transfers() -> TransferSimulator:
    return TransferSimulator(WechatPaySimulator.for_app())


def finish_transfer(mchid: str, out_bill_no: str, state: str = "SUCCESS",
                    fail_reason: str = "", transport: Transport | None = None) -> Delivery:
    """Simulate WeChat finishing a transfer and notify the shop (in-process by default)."""
    return current_transfers().finish(mchid, out_bill_no,
                                      transport or AppTransport(current_app), state,
                                      fail_reason)


# --- the HTTP face --------------------------------------------------------------------------


def _transfers() -> TransferSimulator:
    return TransferSimulator(_simulator())


@blueprint.post("/v3/fund-app/mch-transfer/transfer-bills")
def create_transfer_bill() -> Response:
    record = _transfers().create(g.wxpay_mchid, _json_body())
    return _json({k: record[k] for k in ("out_bill_no", "transfer_bill_no", "create_time",
                                         "state")})


@blueprint.get("/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/<out_bill_no>")
def query_transfer_bill(out_bill_no: str) -> Response:
    return _json(_public(_transfers().bill(g.wxpay_mchid, out_bill_no)))


@blueprint.post("/sim/transfers/<mchid>/<out_bill_no>/complete")
def complete_transfer(mchid: str, out_bill_no: str) -> Response:
    """Not WeChat's: finish a transfer (``{"state": "SUCCESS"|"FAIL"}``) and notify."""
    body = request.get_json(silent=True) or {}
    delivery = _transfers().finish(mchid, out_bill_no, AppTransport(current_app),
                                   str(body.get("state", "SUCCESS")),
                                   str(body.get("fail_reason", "")))
    return _json({"notification": _delivery_json(delivery)})
