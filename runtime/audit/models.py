"""Audit events: who did what security-relevant thing, when, from where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class AuditEvent(TenantMixin, Base):
    """One event: a shop's (its owners see it) or, with no shop, the platform's (logins,
    secret rotation; only platform admins see those). Row-level security as every tenant
    table: shop rows for their shop, shop-less rows only under the platform escape."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_shop_id_created_at", "shop_id", "created_at"),)

    shop_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]
        BigId, ForeignKey("shops.id", ondelete="CASCADE"), index=True, nullable=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(254), default="")  # email, or "cli", "system"
    target: Mapped[str] = mapped_column(String(254), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
