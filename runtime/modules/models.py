"""A shop's switch and settings for each non-core module it has touched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, TenantMixin


class ShopModule(TenantMixin, Base):
    """Off modules keep their row and settings, so switching back on loses nothing."""

    __tablename__ = "shop_modules"
    __table_args__ = (UniqueConstraint("shop_id", "module_id"),)

    module_id: Mapped[str] = mapped_column(String(40))
    enabled: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
