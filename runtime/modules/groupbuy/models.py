"""Group buy (拼团) tables: activities with their SKUs (group price, leader price, activity
stock), groups (created only when a leader's payment lands) and one row per group-buy order
(the buyer's intent at checkout, then the membership once paid)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class OnTargetFull(StrEnum):
    """What a payment does when the group it wanted is full, expired or over."""

    OPEN_NEW = "open_new"  # the buyer leads a new group
    JOIN_OTHER = "join_other"  # another open group of the activity, else a new one
    REFUND = "refund"  # the order is refunded in full


class GroupStatus(StrEnum):
    OPEN = "open"  # 拼团中
    SUCCESS = "success"  # 拼团成功
    FAILED = "failed"  # 拼团失败: every member refunded


class MemberStatus(StrEnum):
    """A group-buy order's place: unpaid, then in a group until it succeeds or fails."""

    PENDING = "pending"  # ordered, not paid: no group yet
    GROUPING = "grouping"  # paid, in an open group (拼团中)
    SUCCESS = "success"  # the group filled (or was completed virtually)
    FAILED = "failed"  # the group expired short: refunded
    LEFT = "left"  # left an open group: refunded
    REFUNDED = "refunded"  # the wanted group was full and on_target_full = refund
    CLOSED = "closed"  # the order closed unpaid


# Statuses whose units count toward per-user limits and hold activity stock.
HOLDING = (MemberStatus.PENDING, MemberStatus.GROUPING, MemberStatus.SUCCESS)


class GroupbuyActivity(TenantMixin, Base):
    """One product's group buy: groups of ``group_size`` are opened between ``starts_at`` and
    ``ends_at`` and stay open ``valid_hours`` from the leader's payment."""

    __tablename__ = "groupbuy_activities"
    __table_args__ = (
        CheckConstraint("group_size >= 2 and group_size <= 100", name="group_size_range"),
        CheckConstraint("virtual_min_pct >= 0 and virtual_min_pct <= 100",
                        name="virtual_min_pct_range"),
        Index("ix_groupbuy_activities_shop_id_product_id", "shop_id", "product_id"),
    )

    title: Mapped[str] = mapped_column(String(60))
    product_id: Mapped[int] = mapped_column(BigId)
    enabled: Mapped[bool] = mapped_column(default=True)
    group_size: Mapped[int]
    valid_hours: Mapped[int] = mapped_column(default=24)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    allow_single_buy: Mapped[bool] = mapped_column(default=True)
    per_order_limit: Mapped[int] = mapped_column(default=0)  # 0: no limit
    per_user_limit: Mapped[int] = mapped_column(default=0)  # 0: no limit
    virtual_enabled: Mapped[bool] = mapped_column(default=False)
    virtual_min_pct: Mapped[int] = mapped_column(default=100)
    on_target_full: Mapped[str] = mapped_column(String(12), default=OnTargetFull.OPEN_NEW)


class GroupbuySku(TenantMixin, Base):
    """A SKU in an activity: its group price, optional leader price (团长优惠) and the
    activity stock still to sell (never below zero)."""

    __tablename__ = "groupbuy_skus"
    __table_args__ = (
        UniqueConstraint("activity_id", "sku_id"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("group_price_fen >= 1", name="group_price_positive"),
    )

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groupbuy_activities.id", ondelete="CASCADE"), index=True)
    sku_id: Mapped[int] = mapped_column(BigId)
    group_price_fen: Mapped[int]
    leader_price_fen: Mapped[int | None]
    stock: Mapped[int]


class GroupbuyGroup(TenantMixin, Base):
    """A group, opened by its leader's payment; ``joined`` counts paying members in it."""

    __tablename__ = "groupbuy_groups"
    __table_args__ = (
        Index("ix_groupbuy_groups_status_expire_at", "status", "expire_at"),
        Index("ix_groupbuy_groups_shop_id_activity_id_status", "shop_id", "activity_id",
              "status"),
        CheckConstraint("joined >= 0 and joined <= size", name="joined_range"),
    )

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groupbuy_activities.id", ondelete="CASCADE"))
    leader_member_id: Mapped[int] = mapped_column(BigId)
    size: Mapped[int]
    joined: Mapped[int] = mapped_column(default=0)
    virtual: Mapped[int] = mapped_column(default=0)  # seats filled by 模拟成团
    status: Mapped[str] = mapped_column(String(12), default=GroupStatus.OPEN)
    opened_at: Mapped[datetime]
    expire_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class GroupbuyOrder(TenantMixin, Base):
    """A group-buy order: what the buyer asked for at checkout (``wanted_group_id``: join;
    none: open), then its group once paid. ``stock_held``: the activity stock it took is
    still taken (cleared exactly once when it goes back)."""

    __tablename__ = "groupbuy_orders"
    __table_args__ = (
        UniqueConstraint("order_id"),
        Index("ix_groupbuy_orders_shop_id_activity_id_member_id", "shop_id", "activity_id",
              "member_id"),
        Index("ix_groupbuy_orders_shop_id_group_id", "shop_id", "group_id"),
    )

    activity_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groupbuy_activities.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId)
    sku_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    unit_price_fen: Mapped[int]
    wanted_group_id: Mapped[int | None] = mapped_column(BigId)
    group_id: Mapped[int | None] = mapped_column(BigId)
    is_leader: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default=MemberStatus.PENDING)
    stock_held: Mapped[bool] = mapped_column(default=True)
    joined_at: Mapped[datetime | None]
