"""Promotions (营销活动): limited-time discounts (限时折扣) with their SKU prices and each
member's use of them, full reductions / full discounts (满减/满折) and the gifts of a paid
order's tier."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ActivityStatus:
    """An activity's state: ``scheduled`` until its start, ``active`` within its window,
    ``ended`` after it, ``closed`` when the merchant stopped it (never reopened). The start
    and end jobs (and the sweeper) move it; pricing also checks the window itself."""

    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"
    CLOSED = "closed"
    FINAL = frozenset({ENDED, CLOSED})


class LimitedDiscount(TenantMixin, Base):
    """A limited-time discount (限时折扣) over some SKUs between ``starts_at`` and
    ``ends_at``; ``per_member_limit`` units per member (None: no limit)."""

    __tablename__ = "promotions_discounts"
    __table_args__ = (Index("ix_promotions_discounts_shop_id_status", "shop_id", "status"),)

    name: Mapped[str] = mapped_column(String(60))
    tag: Mapped[str] = mapped_column(String(12), default="限时折扣")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=ActivityStatus.SCHEDULED)
    per_member_limit: Mapped[int | None]
    closed_at: Mapped[datetime | None]


class DiscountItem(TenantMixin, Base):
    """One SKU's price in a discount: ``mode`` ``percent`` (``value`` % of the price, 80 =
    八折), ``price`` (``value`` fen) or ``amount_off`` (``value`` fen off)."""

    __tablename__ = "promotions_discount_items"
    __table_args__ = (UniqueConstraint("shop_id", "discount_id", "sku_id"),
                      Index("ix_promotions_discount_items_shop_id_sku_id", "shop_id", "sku_id"))

    discount_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("promotions_discounts.id", ondelete="CASCADE"))
    sku_id: Mapped[int] = mapped_column(BigId)
    product_id: Mapped[int] = mapped_column(BigId)
    mode: Mapped[str] = mapped_column(String(12))
    value: Mapped[int]


class DiscountCounter(TenantMixin, Base):
    """Units a member holds under a discount with a per-member limit (orders not closed or
    wholly refunded); raised by a conditional UPDATE so racing orders never pass the limit."""

    __tablename__ = "promotions_limits"
    __table_args__ = (UniqueConstraint("shop_id", "discount_id", "member_id"),)

    discount_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("promotions_discounts.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId)
    used: Mapped[int] = mapped_column(default=0)


class DiscountUse(TenantMixin, Base):
    """What one order took of a discount's per-member limit; ``released_at`` once given
    back (the order closed unpaid or was wholly refunded)."""

    __tablename__ = "promotions_discount_uses"
    __table_args__ = (UniqueConstraint("shop_id", "order_id", "discount_id"),)

    discount_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId)
    order_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    released_at: Mapped[datetime | None]


class FullReduction(TenantMixin, Base):
    """A full reduction / full discount (满减/满折): ``condition`` ``amount`` (spend N fen) or
    ``count`` (N items) over the lines in ``scope`` (``all``, ``include`` / ``exclude`` the
    ``product_ids``); ``tiers`` ``[{threshold, discount_fen | discount_pct, free_shipping,
    give_points, give_coupons}]``. Only the highest tier reached applies, or with ``repeat``
    (每满) the one tier's discount per multiple of its threshold, at most ``max_discount_fen``."""

    __tablename__ = "promotions_full_reductions"
    __table_args__ = (Index("ix_promotions_full_reductions_shop_id_status", "shop_id", "status"),)

    name: Mapped[str] = mapped_column(String(60))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=ActivityStatus.SCHEDULED)
    condition: Mapped[str] = mapped_column(String(8), default="amount")
    scope: Mapped[str] = mapped_column(String(8), default="all")
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    repeat: Mapped[bool] = mapped_column(default=False)
    max_discount_fen: Mapped[int | None]
    closed_at: Mapped[datetime | None]


class GiftGrant(TenantMixin, Base):
    """A paid order's full-reduction gifts (points, coupons), granted once by the
    ``order_paid`` hook; ``revoked_at`` once taken back after a whole refund."""

    __tablename__ = "promotions_gift_grants"
    __table_args__ = (UniqueConstraint("shop_id", "order_id", "reduction_id"),)

    order_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId)
    reduction_id: Mapped[int] = mapped_column(BigId)
    points: Mapped[int] = mapped_column(default=0)
    points_taken_back: Mapped[int] = mapped_column(default=0)
    coupon_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    revoked_at: Mapped[datetime | None]
