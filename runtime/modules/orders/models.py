"""Order tables: addresses, orders, their lines and recorded transitions, stored checkout
quotes, idempotency keys and the shop's order settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from runtime.db import Base, BigId, TenantMixin


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"  # 待付款
    PAID = "paid"  # 待发货
    SHIPPED = "shipped"  # 待收货
    COMPLETED = "completed"  # 已完成
    CLOSED = "closed"  # 已关闭 (cancelled or unpaid timeout)


STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: "待付款",
    OrderStatus.PAID: "待发货",
    OrderStatus.SHIPPED: "待收货",
    OrderStatus.COMPLETED: "已完成",
    OrderStatus.CLOSED: "已关闭",
}


class ActorType(StrEnum):
    MEMBER = "member"
    MERCHANT = "merchant"
    SYSTEM = "system"
    WECHAT = "wechat"


class CloseReason(StrEnum):
    CANCELLED_BY_MEMBER = "cancelled_by_member"
    CANCELLED_BY_MERCHANT = "cancelled_by_merchant"
    UNPAID_TIMEOUT = "unpaid_timeout"
    REFUNDED = "refunded"  # every line refunded (after-sales)


class Address(TenantMixin, Base):
    """A shopper's delivery address (收货地址); one may be the default."""

    __tablename__ = "addresses"
    __table_args__ = (Index("ix_addresses_shop_id_member_id", "shop_id", "member_id"),)

    member_id: Mapped[int] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(String(200))
    adcode: Mapped[str] = mapped_column(String(6), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    is_default: Mapped[bool] = mapped_column(default=False)

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name, "phone": self.phone, "province": self.province,
                "city": self.city, "district": self.district, "detail": self.detail,
                "adcode": self.adcode, "postal_code": self.postal_code,
                "latitude": self.latitude, "longitude": self.longitude}


class OrderSettings(TenantMixin, Base):
    """The shop's order, payment and fulfilment options (one row per shop, created lazily)."""

    __tablename__ = "order_settings"
    __table_args__ = (UniqueConstraint("shop_id"),
                      CheckConstraint("unpaid_timeout_minutes between 1 and 10080",
                                      name="unpaid_timeout_range"),
                      CheckConstraint("auto_confirm_days between 1 and 60",
                                      name="auto_confirm_range"))

    unpaid_timeout_minutes: Mapped[int] = mapped_column(default=30)
    auto_confirm_days: Mapped[int] = mapped_column(default=7)
    allow_wechatpay: Mapped[bool] = mapped_column(default=True)
    allow_wallet: Mapped[bool] = mapped_column(default=True)
    allow_cod: Mapped[bool] = mapped_column(default=False)
    allow_express: Mapped[bool] = mapped_column(default=True)
    allow_pickup: Mapped[bool] = mapped_column(default=False)
    allow_local: Mapped[bool] = mapped_column(default=False)
    invoice_enabled: Mapped[bool] = mapped_column(default=False)


class Order(TenantMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("order_no"),
        Index("ix_orders_shop_id_status_created_at", "shop_id", "status", "created_at"),
        Index("ix_orders_shop_id_member_id_created_at", "shop_id", "member_id", "created_at"),
        Index("ix_orders_status_pay_deadline_at", "status", "pay_deadline_at"),
        Index("ix_orders_status_auto_confirm_at", "status", "auto_confirm_at"),
        Index("ix_orders_shop_id_activity", "shop_id", "activity_kind", "activity_id"),
        CheckConstraint("payable_fen >= 0", name="payable_nonnegative"),
    )

    order_no: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(BigId)
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.PENDING_PAYMENT)
    fulfilment: Mapped[str] = mapped_column(String(16))
    payment_method: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default="miniprogram")
    item_count: Mapped[int] = mapped_column(default=0)
    goods_total_fen: Mapped[int]
    discount_fen: Mapped[int] = mapped_column(default=0)
    shipping_fen: Mapped[int] = mapped_column(default=0)
    points_used: Mapped[int] = mapped_column(default=0)
    points_deduction_fen: Mapped[int] = mapped_column(default=0)
    payable_fen: Mapped[int]
    paid_fen: Mapped[int] = mapped_column(default=0)
    pricing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    receiver_name: Mapped[str] = mapped_column(String(32), default="")
    receiver_phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    pickup_point_id: Mapped[int | None] = mapped_column(BigId)
    pickup_point: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    buyer_remark: Mapped[str] = mapped_column(String(200), default="")
    merchant_remark: Mapped[str] = mapped_column(Text, default="")
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    stock_key: Mapped[str] = mapped_column(String(120))
    # The marketing activity (seckill, group buy, points mall ...) it was bought through.
    activity_kind: Mapped[str | None] = mapped_column(String(24))
    activity_id: Mapped[int | None] = mapped_column(BigId)
    pay_deadline_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(String(32), default="")
    auto_confirm_at: Mapped[datetime | None]

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", lazy="raise_on_sql",
        cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(OrderStatus(self.status), self.status)


class OrderLine(TenantMixin, Base):
    """A SKU bought, with its price breakdown (``adjustments``: discount by source) kept for
    refunds; ``shipped_qty`` grows with split shipments."""

    __tablename__ = "order_lines"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    sku_id: Mapped[int] = mapped_column(BigId, index=True)
    product_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(120))
    spec_text: Mapped[str] = mapped_column(String(200), default="")
    image: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    unit_price_fen: Mapped[int]
    qty: Mapped[int]
    total_fen: Mapped[int]
    discount_fen: Mapped[int] = mapped_column(default=0)
    payable_fen: Mapped[int]
    adjustments: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    shipped_qty: Mapped[int] = mapped_column(default=0)

    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise_on_sql")


class OrderTransition(TenantMixin, Base):
    """One recorded status change: who, when, why."""

    __tablename__ = "order_transitions"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    event: Mapped[str] = mapped_column(String(40))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigId)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime]


class OrderNote(TenantMixin, Base):
    """A timeline entry that is not a status change (remark edited, shipment, pickup ...)."""

    __tablename__ = "order_notes"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    event: Mapped[str] = mapped_column(String(40))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(BigId)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    message: Mapped[str] = mapped_column(String(500), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime]


class CheckoutQuote(TenantMixin, Base):
    """A quote shown at checkout; submitting names it so the order is what the buyer saw."""

    __tablename__ = "order_quotes"
    __table_args__ = (UniqueConstraint("token"),)

    token: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(BigId, index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    payable_fen: Mapped[int]
    expires_at: Mapped[datetime]


class IdempotencyKey(TenantMixin, Base):
    """A client-chosen key for a write (``Idempotency-Key``): the same key and the same
    request give the same result, never a second resource."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("shop_id", "scope", "owner", "key"),)

    scope: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    request_hash: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[int | None] = mapped_column(BigId)
