"""Users, their memberships in shops, agencies, and console sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"


class Area(StrEnum):
    """Console areas a staff member can be granted one by one."""

    PAGES = "pages"
    CATALOG = "catalog"
    ORDERS = "orders"
    MEMBERS = "members"
    MARKETING = "marketing"
    FINANCE = "finance"


class Agency(Base):
    """A design agency; its users publish themes."""

    __tablename__ = "agencies"

    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class User(Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    agency_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None]


class Membership(TenantMixin, Base):
    """A user's role in one shop; staff carry the list of areas they may use."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(16))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)

    def can(self, area: Area | str) -> bool:
        if self.role in (Role.OWNER, Role.ADMIN):
            return True
        return str(area) in self.areas

    @property
    def manages_shop(self) -> bool:
        """Owners and admins run settings and staff; staff never do."""
        return self.role in (Role.OWNER, Role.ADMIN)


class ConsoleSession(Base):
    """A server-side login session; the cookie carries only its random id (hashed here)."""

    __tablename__ = "console_sessions"

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(String(40), default="")


class StaffInvitation(TenantMixin, Base):
    """An invitation to join a shop's staff: the invitee accepts it (signing up when new)
    through a signed link; the shop's managers can revoke it until then."""

    __tablename__ = "staff_invitations"

    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(20))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    nonce: Mapped[str] = mapped_column(String(64))  # renewed invitations get a new one
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    expires_at: Mapped[datetime]
    invited_by_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))
    accepted_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]  # accepted or revoked
