"""Birthday gifts (生日礼遇): one row per member and year — the unique key that makes the
gift once a year, however often or concurrently the job runs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class BirthdayGift(TenantMixin, Base):
    __tablename__ = "birthday_gifts"
    __table_args__ = (UniqueConstraint("shop_id", "member_id", "year"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    year: Mapped[int]
    given_on: Mapped[date]  # the shop-local day it was given
    coupon_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
