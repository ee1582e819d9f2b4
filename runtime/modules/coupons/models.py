"""Coupons (优惠券): templates a merchant defines, the coupons members hold, the ledger of
every change to a held coupon, and the console's pushes to a member segment."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class CouponKind(StrEnum):
    AMOUNT = "amount"  # 满减券: amount_fen off once min_spend_fen is reached (0: 无门槛)
    PERCENT = "percent"  # 折扣券: pays discount_percent %, at most max_discount_fen off


class CouponScope(StrEnum):
    ALL = "all"
    PRODUCTS = "products"  # only product_ids
    CATEGORIES = "categories"  # category_ids and every category under them
    EXCEPT_PRODUCTS = "except_products"  # everything but product_ids


class Validity(StrEnum):
    FIXED = "fixed"  # [valid_from, valid_until]
    DAYS = "days"  # valid_days days from the claim (today or from tomorrow)


class CouponStatus(StrEnum):
    UNUSED = "unused"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"  # a gift taken back (revoke_coupons)


class CouponTemplate(TenantMixin, Base):
    """What a coupon gives and who may have it. ``issued`` counts the coupons taken from
    ``total`` (-1: unlimited), raised only by a conditional UPDATE."""

    __tablename__ = "coupon_templates"
    __table_args__ = (
        CheckConstraint("total = -1 OR issued <= total", name="issued_within_total"),
        Index("ix_coupon_templates_shop_id_status", "shop_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(default=0)
    min_spend_fen: Mapped[int] = mapped_column(default=0)
    discount_percent: Mapped[int] = mapped_column(default=100)  # 85 = 8.5 折
    max_discount_fen: Mapped[int] = mapped_column(default=0)  # 0: no cap
    scope: Mapped[str] = mapped_column(String(16), default=CouponScope.ALL)
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    only_original_price: Mapped[bool] = mapped_column(default=False)
    validity: Mapped[str] = mapped_column(String(8), default=Validity.DAYS)
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    valid_days: Mapped[int] = mapped_column(default=7)
    starts_next_day: Mapped[bool] = mapped_column(default=False)
    claim_from: Mapped[datetime | None]
    claim_until: Mapped[datetime | None]
    claimable: Mapped[bool] = mapped_column(default=True)  # in the coupon centre
    total: Mapped[int] = mapped_column(default=-1)
    issued: Mapped[int] = mapped_column(default=0)
    per_member_limit: Mapped[int] = mapped_column(default=1)  # 0: no limit
    per_day_limit: Mapped[int] = mapped_column(default=0)  # 0: no limit
    level_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: every member
    status: Mapped[str] = mapped_column(String(12), default="active")  # active | stopped


class MemberCoupon(TenantMixin, Base):
    """A coupon a member holds. Coupons given by a key (hooks, pushes, gifts) are unique by
    (issue_key, issue_slot); claims have no key."""

    __tablename__ = "member_coupons"
    __table_args__ = (
        UniqueConstraint("shop_id", "issue_key", "issue_slot"),
        Index("ix_member_coupons_shop_id_member_id_status", "shop_id", "member_id", "status"),
        Index("ix_member_coupons_shop_id_template_id_member_id", "shop_id", "template_id",
              "member_id"),
        Index("ix_member_coupons_shop_id_status_valid_until", "shop_id", "status",
              "valid_until"),
        Index("ix_member_coupons_shop_id_order_id", "shop_id", "order_id"),
    )

    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("coupon_templates.id",
                                                               ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=CouponStatus.UNUSED)
    source: Mapped[str] = mapped_column(String(24), default="claim")
    issue_key: Mapped[str | None] = mapped_column(String(160))
    issue_slot: Mapped[int] = mapped_column(default=0)
    claimed_on: Mapped[date]  # the shop-local day it was issued (per-day limit)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(BigId)
    used_at: Mapped[datetime | None]
    discount_fen: Mapped[int] = mapped_column(default=0)  # taken off the order using it
    order_paid_fen: Mapped[int] = mapped_column(default=0)  # what that order paid
    reminded_at: Mapped[datetime | None]


class CouponEvent(TenantMixin, Base):
    """The ledger: every change of a member coupon, once per ``key`` (issue, use, return,
    expire, revoke)."""

    __tablename__ = "coupon_events"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    member_coupon_id: Mapped[int] = mapped_column(BigId, ForeignKey("member_coupons.id",
                                                                    ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    key: Mapped[str] = mapped_column(String(160))
    order_id: Mapped[int | None] = mapped_column(BigId)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CouponPush(TenantMixin, Base):
    """A console push of one template to a member segment, issued by a ``bulk`` job once
    per member (key ``push-<id>-<member>``)."""

    __tablename__ = "coupon_pushes"

    template_id: Mapped[int] = mapped_column(BigId, ForeignKey("coupon_templates.id",
                                                               ondelete="CASCADE"))
    segment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="queued")  # queued | done
    targeted: Mapped[int] = mapped_column(default=0)
    issued: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]
