"""Seckill (秒杀): daily time slots, activities with their SKU table (price, activity stock,
limits) and one row per seckill order that holds its units until they are released."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class SeckillSlot(TenantMixin, Base):
    """A daily time slot (场次) in shop time, ``[start_minute, end_minute)`` minutes after
    local midnight; slots never overlap and never cross midnight."""

    __tablename__ = "seckill_slots"
    __table_args__ = (
        UniqueConstraint("shop_id", "name"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                        name="within_day"),
    )

    name: Mapped[str] = mapped_column(String(20))
    start_minute: Mapped[int]
    end_minute: Mapped[int]


class SeckillActivity(TenantMixin, Base):
    """An activity: on/off, a date range (shop days, inclusive), its slots, and the unpaid
    timeout of its orders."""

    __tablename__ = "seckill_activities"
    __table_args__ = (Index("ix_seckill_activities_shop_id_ends_on", "shop_id", "ends_on"),)

    title: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(default=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    unpaid_timeout_minutes: Mapped[int] = mapped_column(default=10)


class SeckillActivitySlot(TenantMixin, Base):
    """Which slots an activity runs in."""

    __tablename__ = "seckill_activity_slots"
    __table_args__ = (UniqueConstraint("activity_id", "slot_id"),)

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_activities.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_slots.id", ondelete="RESTRICT"), index=True)


class SeckillSku(TenantMixin, Base):
    """One SKU of an activity. ``stock`` is the activity stock still to sell (the database
    truth the Redis gate is loaded from), ``total_stock`` what the activity started with."""

    __tablename__ = "seckill_skus"
    __table_args__ = (
        UniqueConstraint("activity_id", "sku_id"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("seckill_price_fen >= 0", name="price_nonnegative"),
    )

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_activities.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(BigId, ForeignKey("catalog_skus.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigId, index=True)
    seckill_price_fen: Mapped[int]
    total_stock: Mapped[int]
    stock: Mapped[int]
    per_order_limit: Mapped[int] = mapped_column(default=1)
    per_user_limit: Mapped[int] = mapped_column(default=1)


class SeckillOrder(TenantMixin, Base):
    """A seckill order's claim on activity stock: ``qty`` units of one activity SKU, of which
    ``qty - released_qty`` count against the buyer's limit until ``stock_released`` (closed
    unpaid or refunded in full) — the flag that makes the last release happen exactly once;
    a partial refund releases its units earlier (one :class:`SeckillRelease` per refund)."""

    __tablename__ = "seckill_orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id"),
        UniqueConstraint("shop_id", "ticket"),
        Index("ix_seckill_orders_shop_id_member", "shop_id", "seckill_sku_id", "member_id"),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    ticket: Mapped[str] = mapped_column(String(40))
    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_activities.id", ondelete="CASCADE"), index=True)
    seckill_sku_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_skus.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    released_qty: Mapped[int] = mapped_column(default=0)
    stock_released: Mapped[bool] = mapped_column(default=False)
    released_reason: Mapped[str] = mapped_column(String(16), default="")
    released_at: Mapped[datetime | None]


class SeckillRelease(TenantMixin, Base):
    """Units of a seckill order given back to the activity stock and the gate, once per
    ``key`` (``refund-<after-sale>-<line>``, ``closed-<order>``, ``refunded-<order>``)."""

    __tablename__ = "seckill_releases"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    seckill_order_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("seckill_orders.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    qty: Mapped[int]
    reason: Mapped[str] = mapped_column(String(16))
