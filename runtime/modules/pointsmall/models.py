"""Points mall (积分商城): the goods members may exchange for points, per SKU, and one
exchange per order — the record of what its order took (points, exchange stock) and
whether that was given back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ItemStatus(StrEnum):
    ON = "on"  # 上架: members can exchange it
    OFF = "off"  # 下架


class PointsMallItem(TenantMixin, Base):
    """One exchangeable SKU: ``points`` plus ``cash_fen`` (0 = pure points) per unit, its
    own exchange ``stock`` (taken when an order is created, given back when it closes or
    is refunded) and ``limit_per_member`` units per member (0 = no limit)."""

    __tablename__ = "pointsmall_items"
    __table_args__ = (
        UniqueConstraint("shop_id", "sku_id"),
        Index("ix_pointsmall_items_shop_id_status_sort", "shop_id", "status", "sort", "id"),
        CheckConstraint("points >= 1", name="points_positive"),
        CheckConstraint("cash_fen >= 0", name="cash_nonnegative"),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("limit_per_member >= 0", name="limit_nonnegative"),
    )

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId, ForeignKey("catalog_skus.id", ondelete="CASCADE"))
    points: Mapped[int]
    cash_fen: Mapped[int] = mapped_column(default=0)
    stock: Mapped[int] = mapped_column(default=0)
    exchanged: Mapped[int] = mapped_column(default=0)
    limit_per_member: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(8), default=ItemStatus.ON.value)
    sort: Mapped[int] = mapped_column(default=0)


class ExchangeStatus(StrEnum):
    TAKEN = "taken"  # the order holds the points and the exchange stock
    RETURNED = "returned"  # both given back (order closed unpaid or refunded)


class PointsMallExchange(TenantMixin, Base):
    """What one exchange order took; ``status`` moves TAKEN -> RETURNED once, by a
    conditional update, so points and stock come back exactly once."""

    __tablename__ = "pointsmall_exchanges"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_id"),
        Index("ix_pointsmall_exchanges_shop_id_member_item", "shop_id", "member_id", "item_id"),
        Index("ix_pointsmall_exchanges_shop_id_id", "shop_id", "id"),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("pointsmall_items.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    points: Mapped[int]  # all units
    cash_fen: Mapped[int]  # all units, before shipping
    status: Mapped[str] = mapped_column(String(10), default=ExchangeStatus.TAKEN.value)
    #: points already given back by partial refunds (the rest comes back with the whole
    #: order's refund or close)
    returned_points: Mapped[int] = mapped_column(default=0)
    returned_at: Mapped[datetime | None]
    return_reason: Mapped[str] = mapped_column(String(20), default="")
