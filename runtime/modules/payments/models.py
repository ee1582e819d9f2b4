"""Payment tables: one payment per order and method, every notification received (by its
WeChat id, so a replay is recognised), refunds, and the shop's WeChat Pay merchant config."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class PaymentMethod(StrEnum):
    WECHATPAY = "wechatpay"
    WALLET = "wallet"  # 储值余额
    COD = "cod"  # 货到付款


class PaymentStatus(StrEnum):
    PENDING = "pending"  # created, waiting for the money
    SUCCEEDED = "succeeded"
    CLOSED = "closed"  # the order closed before it was paid
    COD_PENDING = "cod_pending"  # 货到付款: collected on delivery
    COLLECTED = "collected"  # cash on delivery received


class RefundStatus(StrEnum):
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    CLOSED = "closed"
    ABNORMAL = "abnormal"


class NotificationOutcome(StrEnum):
    APPLIED = "applied"  # changed a payment or refund
    ALREADY_APPLIED = "already_applied"  # a different notification for an applied state
    PAID_AFTER_CLOSE = "paid_after_close"  # money arrived for a closed order: refunded
    IGNORED = "ignored"  # a state we do not act on (e.g. refund CLOSED twice)


class Payment(TenantMixin, Base):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("out_trade_no"),
                      UniqueConstraint("order_id", "method"))

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    method: Mapped[str] = mapped_column(String(16))
    out_trade_no: Mapped[str] = mapped_column(String(32))
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=PaymentStatus.PENDING)
    simulated: Mapped[bool] = mapped_column(default=False)
    mchid: Mapped[str] = mapped_column(String(32), default="")
    appid: Mapped[str] = mapped_column(String(32), default="")
    payer_openid: Mapped[str] = mapped_column(String(64), default="")
    prepay_id: Mapped[str] = mapped_column(String(64), default="")
    prepay_expires_at: Mapped[datetime | None]
    transaction_id: Mapped[str] = mapped_column(String(64), default="")
    paid_at: Mapped[datetime | None]
    refunded_fen: Mapped[int] = mapped_column(default=0)


class PaymentNotification(TenantMixin, Base):
    """A verified notification from WeChat Pay, recorded once by its id."""

    __tablename__ = "payment_notifications"
    __table_args__ = (UniqueConstraint("shop_id", "notification_id"),)

    notification_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(40))
    out_trade_no: Mapped[str] = mapped_column(String(32), default="", index=True)
    out_refund_no: Mapped[str] = mapped_column(String(64), default="")
    payment_id: Mapped[int | None] = mapped_column(BigId)
    outcome: Mapped[str] = mapped_column(String(24))
    resource: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime]


class Refund(TenantMixin, Base):
    __tablename__ = "refunds"
    __table_args__ = (UniqueConstraint("out_refund_no"),)

    payment_id: Mapped[int] = mapped_column(BigId, ForeignKey("payments.id",
                                                              ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    out_refund_no: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int]
    reason: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PROCESSING)
    refund_id: Mapped[str] = mapped_column(String(64), default="")
    succeeded_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]  # last asked of WeChat Pay (partial refunds 1 min apart)


class WechatPayAccount(TenantMixin, Base):
    """The shop's own WeChat Pay merchant credentials (a ``WechatPayConfig`` without its AppID,
    which comes from the shop's ``WechatApp``; sealed by ``runtime.credentials``). With one
    enabled, the simulator is never used for this shop."""

    __tablename__ = "wechatpay_accounts"
    __table_args__ = (UniqueConstraint("shop_id"),)

    mchid: Mapped[str] = mapped_column(String(32))
    config_enc: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True)
