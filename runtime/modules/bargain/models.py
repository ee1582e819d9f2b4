"""Bargain (砍价) tables: activities (one SKU, start and floor price, helpers needed,
activity stock), launches (one member's bargain with its current price, expiring after
``valid_hours``) and the cuts friends made, one per helper per launch."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class LaunchStatus(StrEnum):
    CUTTING = "cutting"  # 砍价中: friends may still cut
    FLOOR = "floor"  # 已砍到底价: no more cuts, still to buy
    BOUGHT = "bought"  # 已购买: its order was paid
    EXPIRED = "expired"  # 已过期: neither cut nor bought in time


# Statuses of a launch that may still be bought (when no order holds it and it is not due).
OPEN = (LaunchStatus.CUTTING, LaunchStatus.FLOOR)


class BargainActivity(TenantMixin, Base):
    """One SKU's bargain between ``starts_at`` and ``ends_at``: a launch starts at
    ``start_price_fen`` and ``helpers_needed`` cuts bring it exactly to ``floor_price_fen``."""

    __tablename__ = "bargain_activities"
    __table_args__ = (
        CheckConstraint("floor_price_fen >= 1", name="floor_positive"),
        CheckConstraint("start_price_fen - floor_price_fen >= helpers_needed",
                        name="one_fen_per_cut"),
        CheckConstraint("helpers_needed >= 1 and helpers_needed <= 100",
                        name="helpers_needed_range"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        Index("ix_bargain_activities_shop_id_ends_at", "shop_id", "ends_at"),
    )

    title: Mapped[str] = mapped_column(String(60))
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId, ForeignKey("catalog_skus.id", ondelete="CASCADE"))
    start_price_fen: Mapped[int]
    floor_price_fen: Mapped[int]
    helpers_needed: Mapped[int]
    launches_per_member: Mapped[int] = mapped_column(default=1)  # 0: no limit
    valid_hours: Mapped[int] = mapped_column(default=24)
    floor_only: Mapped[bool] = mapped_column(default=False)  # 砍到底价才能买
    self_cut: Mapped[bool] = mapped_column(default=True)  # 发起人先砍一刀
    stock: Mapped[int]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    enabled: Mapped[bool] = mapped_column(default=True)


class BargainLaunch(TenantMixin, Base):
    """A member's bargain (发起砍价): ``price_fen`` falls with every cut from the start price to
    the floor. ``order_id`` is the one order that holds it (cleared when that order closes
    unpaid); ``stock_held`` says that order still holds one unit of activity stock."""

    __tablename__ = "bargain_launches"
    __table_args__ = (
        CheckConstraint("price_fen >= floor_price_fen", name="price_above_floor"),
        CheckConstraint("cuts >= 0 and cuts <= helpers_needed", name="cuts_range"),
        Index("ix_bargain_launches_shop_id_activity_id_member_id", "shop_id", "activity_id",
              "member_id"),
        Index("ix_bargain_launches_status_expire_at", "status", "expire_at"),
        UniqueConstraint("order_id"),
    )

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("bargain_activities.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId)
    start_price_fen: Mapped[int]
    floor_price_fen: Mapped[int]
    price_fen: Mapped[int]
    helpers_needed: Mapped[int]
    cuts: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default=LaunchStatus.CUTTING.value)
    expire_at: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(BigId)
    stock_held: Mapped[bool] = mapped_column(default=False)


class BargainCut(TenantMixin, Base):
    """One helper's cut of a launch (the launcher's own first cut when ``self_cut``)."""

    __tablename__ = "bargain_cuts"
    __table_args__ = (
        UniqueConstraint("launch_id", "helper_member_id"),
        CheckConstraint("amount_fen >= 1", name="amount_positive"),
    )

    launch_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("bargain_launches.id", ondelete="CASCADE"), index=True)
    helper_member_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("members.id", ondelete="CASCADE"))
    amount_fen: Mapped[int]
    price_after_fen: Mapped[int]
