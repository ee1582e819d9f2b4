"""Invites (邀请有礼): each member's invite code and one invitation per invitee, which carries
what both sides were given (and whether it was taken back)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class InvitationStatus:
    PENDING = "pending"  # bound; the reward waits for the invitee's first payment
    REWARDED = "rewarded"
    REVOKED = "revoked"  # the paying order was wholly refunded before it completed


class InviteCode(TenantMixin, Base):
    """A member's invite code; the row every reward of this inviter locks, so the daily limit
    and the total cap are counted one reward at a time."""

    __tablename__ = "invite_codes"
    __table_args__ = (UniqueConstraint("shop_id", "member_id"),
                      UniqueConstraint("shop_id", "code"))

    member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))


class Invitation(TenantMixin, Base):
    """One per invitee (the unique key makes a reward once per invitee, whoever races)."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("shop_id", "invitee_member_id"),
                      Index("ix_invitations_shop_id_inviter_member_id", "shop_id",
                            "inviter_member_id", "inviter_rewarded_at"))

    inviter_member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id",
                                                                     ondelete="CASCADE"))
    invitee_member_id: Mapped[int] = mapped_column(BigId, ForeignKey("members.id",
                                                                     ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=InvitationStatus.PENDING)
    order_id: Mapped[int | None] = mapped_column(BigId)  # the first paid order (payment trigger)
    rewarded_at: Mapped[datetime | None]
    inviter_rewarded_at: Mapped[datetime | None]  # None: the inviter was over a limit
    inviter_skip_reason: Mapped[str] = mapped_column(String(20), default="")
    inviter_points: Mapped[int] = mapped_column(default=0)
    invitee_points: Mapped[int] = mapped_column(default=0)
    inviter_coupon_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    invitee_coupon_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    settled_at: Mapped[datetime | None]  # the paying order completed: kept for good
    revoked_at: Mapped[datetime | None]
