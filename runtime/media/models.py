"""The media library's one table: an image (or mp4) a shop uploaded or imported by URL."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, TenantMixin


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class MediaSource(StrEnum):
    UPLOAD = "upload"
    EXTERNAL = "external"


class MediaStatus(StrEnum):
    """``pending``: an external image not copied yet; ``failed``: it never will be."""

    READY = "ready"
    PENDING = "pending"
    FAILED = "failed"


class MediaAsset(TenantMixin, Base):
    """One stored file of a shop. ``sha256`` (of the bytes as received) dedupes per shop;
    ``storage_key`` and ``thumbnails`` (width -> key) name files in the storage."""

    __tablename__ = "media_assets"
    __table_args__ = (
        UniqueConstraint("shop_id", "sha256"),
        Index("ix_media_assets_shop_id_folder", "shop_id", "folder"),
        Index("ix_media_assets_shop_id_created_at", "shop_id", "created_at"),
    )

    kind: Mapped[str] = mapped_column(String(16), default=MediaKind.IMAGE.value)
    name: Mapped[str] = mapped_column(String(255), default="")
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(64), default="")
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(200))
    thumbnails: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    alt_text: Mapped[str] = mapped_column(String(255), default="")
    folder: Mapped[str] = mapped_column(String(80), default="")
    source: Mapped[str] = mapped_column(String(16), default=MediaSource.UPLOAD.value)
    external_url: Mapped[str | None] = mapped_column(String(2048))
    status: Mapped[str] = mapped_column(String(16), default=MediaStatus.READY.value)
    copy_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    deleted_at: Mapped[datetime | None]

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY and self.storage_key is not None

    def thumbnail_keys(self) -> dict[int, str]:
        return {int(w): key for w, key in (self.thumbnails or {}).items()}
