"""Fulfilment tables: shipping templates and their rules, pickup points, local delivery,
shipments (split by line), pickup codes, and uploads to WeChat's shipping management."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class UploadStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"


class ShippingTemplate(TenantMixin, Base):
    """运费模板: charged by piece or weight, per region, with free-shipping thresholds."""

    __tablename__ = "shipping_templates"

    name: Mapped[str] = mapped_column(String(40))
    charge_by: Mapped[str] = mapped_column(String(8), default="piece")
    free_over_fen: Mapped[int | None]
    free_over_units: Mapped[int | None]
    excluded_regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_default: Mapped[bool] = mapped_column(default=False)


class ShippingTemplateRule(TenantMixin, Base):
    __tablename__ = "shipping_template_rules"

    template_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("shipping_templates.id", ondelete="CASCADE"), index=True)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_units: Mapped[int] = mapped_column(default=1)
    first_fee_fen: Mapped[int] = mapped_column(default=0)
    extra_units: Mapped[int] = mapped_column(default=1)
    extra_fee_fen: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)


class ProductShippingTemplate(TenantMixin, Base):
    """Which template a product ships under (the shop's default template otherwise)."""

    __tablename__ = "product_shipping_templates"
    __table_args__ = (UniqueConstraint("shop_id", "product_id"),)

    product_id: Mapped[int] = mapped_column(BigId)
    template_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("shipping_templates.id", ondelete="CASCADE"), index=True)


class PickupPoint(TenantMixin, Base):
    """自提点: where a buyer collects a self-pickup order."""

    __tablename__ = "pickup_points"

    name: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), default="")
    hours: Mapped[str] = mapped_column(String(60), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    is_active: Mapped[bool] = mapped_column(default=True)


class LocalDelivery(TenantMixin, Base):
    """同城配送 settings: origin, radius, fee tiers by distance (one row per shop)."""

    __tablename__ = "local_delivery"
    __table_args__ = (UniqueConstraint("shop_id"),)

    origin_lat: Mapped[float] = mapped_column(Float)
    origin_lng: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[int]
    tiers: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    min_order_fen: Mapped[int] = mapped_column(default=0)
    free_over_fen: Mapped[int | None]


class Shipment(TenantMixin, Base):
    """One parcel (express), one dispatch (local) or the hand-over (pickup) of some lines."""

    __tablename__ = "shipments"

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))
    carrier_code: Mapped[str] = mapped_column(String(32), default="")
    carrier_name: Mapped[str] = mapped_column(String(40), default="")
    tracking_no: Mapped[str] = mapped_column(String(64), default="")
    courier_name: Mapped[str] = mapped_column(String(40), default="")
    courier_phone: Mapped[str] = mapped_column(String(20), default="")
    shipped_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class ShipmentLine(TenantMixin, Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (UniqueConstraint("shipment_id", "order_line_id"),)

    shipment_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    qty: Mapped[int]


class PickupCode(TenantMixin, Base):
    """The code a self-pickup buyer shows (also as a QR code); verified (核销) exactly once."""

    __tablename__ = "pickup_codes"
    __table_args__ = (UniqueConstraint("order_id"), UniqueConstraint("shop_id", "code"))

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    pickup_point_id: Mapped[int | None] = mapped_column(BigId)
    code: Mapped[str] = mapped_column(String(12))
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str] = mapped_column(String(80), default="")


class ShippingUpload(TenantMixin, Base):
    """发货信息录入 for WeChat's order shipping management, retried by a job until accepted."""

    __tablename__ = "shipping_uploads"
    __table_args__ = (UniqueConstraint("order_id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    logistics_type: Mapped[int]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
