"""Themes a shop has installed, with the merchant's token settings for each; and the theme
packages agencies upload (a package, its versions, their files by content hash, its grants)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ShopTheme(TenantMixin, Base):
    """``revision`` grows with every token or version change, so caches keyed by it never go
    stale. ``previous_version`` is what a rollback returns to. A ``pinned`` theme stays at its
    version: no update is offered or made until the merchant unpins it."""

    __tablename__ = "shop_themes"
    __table_args__ = (UniqueConstraint("shop_id", "theme_id"),)

    theme_id: Mapped[str] = mapped_column(String(40))
    theme_version: Mapped[str] = mapped_column(String(20))
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
    previous_version: Mapped[str | None] = mapped_column(String(20))
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())


class ThemePackage(Base):
    """A theme an agency owns; its id is unique on the platform. ``visibility``: ``private``
    (only the shops granted) or ``listed`` (every shop)."""

    __tablename__ = "theme_packages"

    theme_id: Mapped[str] = mapped_column(String(40), unique=True)
    agency_id: Mapped[int] = mapped_column(BigId, ForeignKey("agencies.id", ondelete="CASCADE"),
                                           index=True)
    visibility: Mapped[str] = mapped_column(String(16), default="private")


class ThemeVersion(Base):
    """One uploaded version: ``draft`` -> ``published`` (immutable) -> ``deprecated``.
    ``files`` maps each path in the package to the hash its bytes are stored under."""

    __tablename__ = "theme_versions"
    __table_args__ = (UniqueConstraint("package_id", "version"),)

    package_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("theme_packages.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    changelog: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    package_sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime | None]


class ThemeBlob(Base):
    """A file of an uploaded theme, stored once by its sha256 (never under its uploaded name)."""

    __tablename__ = "theme_blobs"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class ThemeGrant(Base):
    """A shop that may install a private theme."""

    __tablename__ = "theme_grants"
    __table_args__ = (UniqueConstraint("package_id", "shop_id"),)

    package_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("theme_packages.id", ondelete="CASCADE"), index=True)
    shop_id: Mapped[int] = mapped_column(BigId, ForeignKey("shops.id", ondelete="CASCADE"),
                                         index=True)
