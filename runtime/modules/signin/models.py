"""Sign-in (签到有礼): one record per member per shop-local day, a per-member state row
(the row the service locks) and the monthly milestone grants."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class SigninRecord(TenantMixin, Base):
    """A day signed: ``streak`` is the run length ending that day (kept current when a
    make-up fills a gap), ``points`` what the sign-in itself paid (0 for a make-up)."""

    __tablename__ = "signin_records"
    __table_args__ = (UniqueConstraint("shop_id", "member_id", "signin_date"),
                      Index("ix_signin_records_shop_id_signin_date", "shop_id", "signin_date"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    signin_date: Mapped[date]
    streak: Mapped[int]
    cycle_day: Mapped[int]
    points: Mapped[int] = mapped_column(default=0)
    is_makeup: Mapped[bool] = mapped_column(default=False)
    cost_points: Mapped[int] = mapped_column(default=0)


class SigninState(TenantMixin, Base):
    """Per member: locked by every sign-in and make-up so they apply one at a time."""

    __tablename__ = "signin_states"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    total_days: Mapped[int] = mapped_column(default=0)
    last_date: Mapped[date | None]


class MilestoneGrant(TenantMixin, Base):
    """A monthly milestone reward paid (累计签到 N 天), once per member, month and milestone."""

    __tablename__ = "signin_milestone_grants"
    __table_args__ = (UniqueConstraint("shop_id", "member_id", "month", "days"),)

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    days: Mapped[int]
    points: Mapped[int]
