"""Review tables: a slot per completed order line (what may be reviewed, and when the
automatic review is due), the reviews themselves, the images a member uploaded for them and
per-product counters (rating and counts, read without aggregating)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ReviewStatus(StrEnum):
    PUBLISHED = "published"  # shown (unless hidden)
    PENDING = "pending"  # waiting for the merchant's approval (setting require_approval)


class ReviewSlot(TenantMixin, Base):
    """An order line of a completed order: reviewable by its member until reviewed, and
    reviewed automatically at ``auto_due_at``. ``review_id`` is set once, by whichever
    review (the member's or the automatic one) comes first."""

    __tablename__ = "review_slots"
    __table_args__ = (UniqueConstraint("shop_id", "line_id"),
                      Index("ix_review_slots_shop_id_order_id", "shop_id", "order_id"),
                      Index("ix_review_slots_shop_id_member_id", "shop_id", "member_id"),
                      # the open slots only: what the sweeps walk (done ones drop out)
                      Index("ix_review_slots_open_shop_id_id", "shop_id", "id",
                            postgresql_where=text("review_id IS NULL"),
                            sqlite_where=text("review_id IS NULL")),
                      Index("ix_review_slots_open_auto_due_at", "auto_due_at", "shop_id",
                            postgresql_where=text("review_id IS NULL"),
                            sqlite_where=text("review_id IS NULL")))

    order_id: Mapped[int] = mapped_column(BigId)
    line_id: Mapped[int] = mapped_column(BigId)
    product_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId)
    title: Mapped[str] = mapped_column(String(120))
    spec_text: Mapped[str] = mapped_column(String(200), default="")
    image: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    completed_at: Mapped[datetime]
    auto_due_at: Mapped[datetime | None]
    review_id: Mapped[int | None] = mapped_column(BigId)


class Review(TenantMixin, Base):
    """One review of one order line: stars, text and photos, an optional follow-up (追评),
    the merchant's reply, and moderation (approval, hidden, pinned). ``automatic`` marks
    the good review written when the member wrote none in time.

    Three indexes only, since the automatic-review sweep inserts into each: the unique
    (shop_id, line_id) also serves ``shop_id`` alone (no separate one); a product's reviews
    are found by ``product_id`` (ids are unique across shops), so a look-up by shop and line
    has the unique index as its only candidate whatever the planner's statistics say; a
    member's reviews are found through their slots."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("shop_id", "line_id"),
        Index("ix_reviews_product_id_created_at", "product_id", "created_at"),
        CheckConstraint("stars between 1 and 5", name="stars_range"),
    )

    shop_id: Mapped[int] = mapped_column(BigId, ForeignKey("shops.id", ondelete="CASCADE"))

    order_id: Mapped[int] = mapped_column(BigId)
    line_id: Mapped[int] = mapped_column(BigId)
    product_id: Mapped[int] = mapped_column(BigId)
    member_id: Mapped[int] = mapped_column(BigId)
    spec_text: Mapped[str] = mapped_column(String(200), default="")
    stars: Mapped[int]
    content: Mapped[str] = mapped_column(Text, default="")
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    has_images: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)
    nickname: Mapped[str] = mapped_column(String(64), default="")
    avatar_url: Mapped[str] = mapped_column(String(500), default="")
    automatic: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PUBLISHED)
    hidden: Mapped[bool] = mapped_column(default=False)
    pinned_at: Mapped[datetime | None]
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
    followup_content: Mapped[str] = mapped_column(Text, default="")
    followup_images: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    followup_at: Mapped[datetime | None]

    @property
    def visible(self) -> bool:
        """Shown to shoppers and counted in the product's rating."""
        return self.status == ReviewStatus.PUBLISHED and not self.hidden


class ReviewUpload(TenantMixin, Base):
    """A photo a member uploaded for a review: a review takes only its own member's."""

    __tablename__ = "review_uploads"
    __table_args__ = (UniqueConstraint("shop_id", "member_id", "media_id"),)

    member_id: Mapped[int] = mapped_column(BigId)
    media_id: Mapped[int] = mapped_column(BigId)


class ReviewProductStats(TenantMixin, Base):
    """The shown reviews of a product, counted as they change (same transaction): the
    rating is ``stars_sum / review_count``."""

    __tablename__ = "review_product_stats"
    __table_args__ = (UniqueConstraint("shop_id", "product_id"),
                      CheckConstraint("review_count >= 0", name="count_nonnegative"))

    product_id: Mapped[int] = mapped_column(BigId)
    review_count: Mapped[int] = mapped_column(default=0)
    stars_sum: Mapped[int] = mapped_column(default=0)
    good_count: Mapped[int] = mapped_column(default=0)
    bad_count: Mapped[int] = mapped_column(default=0)
    image_count: Mapped[int] = mapped_column(default=0)
