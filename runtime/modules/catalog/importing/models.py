"""Import and export runs of the catalog: what was asked, how far it got, what came out.

Files live under the data directory, named by the run's id (never by user input):
``imports/<shop_id>/<import_id>/source.<ext>`` and ``report.xlsx``, and
``exports/<shop_id>/products-<export_id>.xlsx``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, TenantMixin


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SourceFormat(StrEnum):
    MALLKIT = "mallkit"
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"


class CatalogImport(TenantMixin, Base):
    """One import of a file into the catalog. ``failed`` counts products (all-or-nothing
    each); ``error`` is set when the file as a whole could not be read."""

    __tablename__ = "catalog_imports"
    __table_args__ = (Index("ix_catalog_imports_shop_id_created_at", "shop_id", "created_at"),)

    filename: Mapped[str] = mapped_column(String(255), default="")
    extension: Mapped[str] = mapped_column(String(8), default="")
    source_format: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    total_rows: Mapped[int] = mapped_column(default=0)
    total_products: Mapped[int] = mapped_column(default=0)
    processed_products: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    failed_rows: Mapped[int] = mapped_column(default=0)
    has_report: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(String(500), default="")
    #: Products written with image URLs, and those URLs: the follow-up job adopts them.
    image_products: Mapped[list[int]] = mapped_column(JSON, default=list)
    image_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    images_status: Mapped[str] = mapped_column(String(16), default="")  # "", queued, done
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def progress(self) -> float:
        """Share of the work done, 0.0-1.0 (reading the file counts as the first 5%)."""
        if self.status == RunStatus.DONE:
            return 1.0
        if not self.total_products:
            return 0.0
        return 0.05 + 0.95 * min(self.processed_products / self.total_products, 1.0)


class CatalogExport(TenantMixin, Base):
    """One .xlsx export of the (filtered) product list."""

    __tablename__ = "catalog_exports"
    __table_args__ = (Index("ix_catalog_exports_shop_id_created_at", "shop_id", "created_at"),)

    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    requested_by: Mapped[str] = mapped_column(String(255), default="")
    product_count: Mapped[int] = mapped_column(default=0)
    sku_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    finished_at: Mapped[datetime | None]
