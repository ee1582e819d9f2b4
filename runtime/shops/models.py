"""The shop (tenant) record. Not itself tenant data: every tenant row points at one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base


class Shop(Base):
    __tablename__ = "shops"

    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    status: Mapped[str] = mapped_column(String(16), default="active")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
