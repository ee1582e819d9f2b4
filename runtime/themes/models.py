"""Themes a shop has installed, with the merchant's token settings for each."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, TenantMixin


class ShopTheme(TenantMixin, Base):
    """``revision`` grows with every token change, so caches keyed by it never go stale."""

    __tablename__ = "shop_themes"
    __table_args__ = (UniqueConstraint("shop_id", "theme_id"),)

    theme_id: Mapped[str] = mapped_column(String(40))
    theme_version: Mapped[str] = mapped_column(String(20))
    tokens: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=False)
    revision: Mapped[int] = mapped_column(default=1)
