"""Points (积分): one account per member and the ledger behind it.

A credit is also a *lot*: ``remaining`` is what is left of it and ``expires_at`` when that
remainder expires. Debits consume lots soonest-expiring first, so expiry only ever takes
points that were really left over. ``balance`` on the account equals the sum of the ledger's
deltas and the sum of the open lots' ``remaining`` (the reconciliation checks both).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class EntryKind(StrEnum):
    EARN = "earn"  # paid order, action, sign-in, birthday ...
    SPEND = "spend"  # deduction at checkout, make-up sign-in ...
    REVERSE = "reverse"  # earned points taken back after a refund
    REFUND = "refund"  # spent points given back after a refund
    EXPIRE = "expire"
    ADJUST = "adjust"  # a merchant's manual change, with a reason in the audit log


class PointAccount(TenantMixin, Base):
    __tablename__ = "point_accounts"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),
                      CheckConstraint("balance >= 0", name="balance_nonnegative"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    balance: Mapped[int] = mapped_column(default=0)
    earned_total: Mapped[int] = mapped_column(default=0)
    spent_total: Mapped[int] = mapped_column(default=0)
    expired_total: Mapped[int] = mapped_column(default=0)


class PointEntry(TenantMixin, Base):
    """One change of a member's points, keyed so a retried call never applies twice."""

    __tablename__ = "point_entries"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_point_entries_shop_id_member_id_id", "shop_id", "member_id", "id"),
        Index("ix_point_entries_shop_id_ref", "shop_id", "ref_type", "ref_id"),
        Index("ix_point_entries_open_lots", "shop_id", "expires_at", "remaining"),
        CheckConstraint("remaining >= 0", name="remaining_nonnegative"),
    )

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    delta: Mapped[int]
    balance_after: Mapped[int]
    reason: Mapped[str] = mapped_column(String(40))
    ref_type: Mapped[str] = mapped_column(String(32), default="")
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    idempotency_key: Mapped[str] = mapped_column(String(120))
    remaining: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
