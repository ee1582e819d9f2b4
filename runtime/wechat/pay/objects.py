"""Typed views of WeChat Pay's JSON objects: transactions, refunds, notifications.

Each keeps the ``raw`` dict it was read from, so nothing WeChat sent is lost.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from runtime.wechat.errors import MalformedNotification


class TradeState(enum.StrEnum):
    SUCCESS = "SUCCESS"
    REFUND = "REFUND"
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REVOKED = "REVOKED"
    USERPAYING = "USERPAYING"
    PAYERROR = "PAYERROR"


class RefundStatus(enum.StrEnum):
    SUCCESS = "SUCCESS"
    CLOSED = "CLOSED"
    PROCESSING = "PROCESSING"
    ABNORMAL = "ABNORMAL"


class EventType(enum.StrEnum):
    TRANSACTION_SUCCESS = "TRANSACTION.SUCCESS"
    REFUND_SUCCESS = "REFUND.SUCCESS"
    REFUND_ABNORMAL = "REFUND.ABNORMAL"
    REFUND_CLOSED = "REFUND.CLOSED"


def parse_time(value: Any) -> datetime | None:
    """WeChat's RFC 3339 time (``2026-11-25T12:00:00+08:00``) as an aware UTC datetime."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class Transaction:
    """A payment as WeChat Pay reports it (query answer or ``TRANSACTION.SUCCESS`` resource)."""

    mchid: str
    appid: str
    out_trade_no: str
    transaction_id: str
    trade_state: str
    trade_state_desc: str
    total_fen: int
    payer_total_fen: int
    currency: str
    payer_openid: str
    success_time: datetime | None
    attach: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def paid(self) -> bool:
        """Paid (``REFUND`` means paid and then refunded in part or in full)."""
        return self.trade_state in (TradeState.SUCCESS, TradeState.REFUND)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transaction:
        amount = data.get("amount") or {}
        payer = data.get("payer") or {}
        return cls(
            mchid=str(data.get("mchid", "")), appid=str(data.get("appid", "")),
            out_trade_no=str(data.get("out_trade_no", "")),
            transaction_id=str(data.get("transaction_id", "")),
            trade_state=str(data.get("trade_state", "")),
            trade_state_desc=str(data.get("trade_state_desc", "")),
            total_fen=_int(amount.get("total")), payer_total_fen=_int(amount.get("payer_total")),
            currency=str(amount.get("currency", "")), payer_openid=str(payer.get("openid", "")),
            success_time=parse_time(data.get("success_time")),
            attach=str(data.get("attach", "")), raw=data)


@dataclass(frozen=True)
class Refund:
    """A refund (query or create answer, or the resource of a ``REFUND.*`` notification)."""

    refund_id: str
    out_refund_no: str
    out_trade_no: str
    transaction_id: str
    status: str
    refund_fen: int
    total_fen: int
    payer_refund_fen: int
    user_received_account: str
    create_time: datetime | None
    success_time: datetime | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Refund:
        amount = data.get("amount") or {}
        return cls(
            refund_id=str(data.get("refund_id", "")),
            out_refund_no=str(data.get("out_refund_no", "")),
            out_trade_no=str(data.get("out_trade_no", "")),
            transaction_id=str(data.get("transaction_id", "")),
            status=str(data.get("status") or data.get("refund_status") or ""),
            refund_fen=_int(amount.get("refund")), total_fen=_int(amount.get("total")),
            payer_refund_fen=_int(amount.get("payer_refund")),
            user_received_account=str(data.get("user_received_account", "")),
            create_time=parse_time(data.get("create_time")),
            success_time=parse_time(data.get("success_time")), raw=data)


class TransferState(enum.StrEnum):
    """A merchant transfer bill's state; SUCCESS, FAIL and CANCELLED are final."""

    ACCEPTED = "ACCEPTED"
    PROCESSING = "PROCESSING"
    WAIT_USER_CONFIRM = "WAIT_USER_CONFIRM"
    TRANSFERING = "TRANSFERING"
    SUCCESS = "SUCCESS"
    FAIL = "FAIL"
    CANCELING = "CANCELING"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class TransferBill:
    """A merchant transfer (商家转账) bill: create or query answer, or the resource of
    ``MCHTRANSFER.BILL.FINISHED``."""

    out_bill_no: str
    transfer_bill_no: str
    state: str
    amount_fen: int
    fail_reason: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def succeeded(self) -> bool:
        return self.state == TransferState.SUCCESS

    @property
    def failed(self) -> bool:
        return self.state in (TransferState.FAIL, TransferState.CANCELLED)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransferBill:
        return cls(out_bill_no=str(data.get("out_bill_no", "")),
                   transfer_bill_no=str(data.get("transfer_bill_no", "")),
                   state=str(data.get("state", "")),
                   amount_fen=_int(data.get("transfer_amount")),
                   fail_reason=str(data.get("fail_reason", "")), raw=data)


@dataclass(frozen=True)
class JsapiPaymentParams:
    """What ``wx.requestPayment`` takes; ``as_dict()`` gives WeChat's exact key names."""

    app_id: str
    time_stamp: str
    nonce_str: str
    package: str
    pay_sign: str
    sign_type: str = "RSA"

    def as_dict(self) -> dict[str, str]:
        return {"appId": self.app_id, "timeStamp": self.time_stamp, "nonceStr": self.nonce_str,
                "package": self.package, "signType": self.sign_type, "paySign": self.pay_sign}


@dataclass(frozen=True)
class Notification:
    """A verified, decrypted WeChat Pay notification.

    ``id`` is WeChat's event id (the same on every retry of one event); ``resource`` is the
    decrypted JSON (a transaction for ``TRANSACTION.SUCCESS``, a refund for ``REFUND.*``).
    """

    id: str
    event_type: str
    create_time: datetime | None
    resource_type: str
    summary: str
    resource: dict[str, Any]
    serial: str

    @property
    def is_payment(self) -> bool:
        return self.event_type.startswith("TRANSACTION.")

    @property
    def is_refund(self) -> bool:
        return self.event_type.startswith("REFUND.")

    @property
    def is_transfer(self) -> bool:
        return self.event_type.startswith("MCHTRANSFER.")

    def transfer_bill(self) -> TransferBill:
        if not self.is_transfer:
            raise MalformedNotification(f"{self.event_type} does not carry a transfer bill")
        return TransferBill.from_dict(self.resource)

    def transaction(self) -> Transaction:
        if not self.is_payment:
            raise MalformedNotification(f"{self.event_type} does not carry a transaction")
        return Transaction.from_dict(self.resource)

    def refund(self) -> Refund:
        if not self.is_refund:
            raise MalformedNotification(f"{self.event_type} does not carry a refund")
        return Refund.from_dict(self.resource)
