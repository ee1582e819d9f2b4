"""Catalog tables: categories, tags, groups, products, SKUs, the stock ledger and reservations.

Products and SKUs are never deleted: a deleted product and a SKU dropped from the spec matrix
are marked (``deleted_at`` / ``retired_at``) so orders that point at them keep working.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, BigId, TenantMixin


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ON_SALE = "on_sale"
    OFF_SHELF = "off_shelf"


class GroupKind(StrEnum):
    MANUAL = "manual"
    RULE = "rule"


class ReservationStatus(StrEnum):
    HELD = "held"
    RELEASED = "released"
    COMMITTED = "committed"


class Category(TenantMixin, Base):
    """A node of the shop's category tree (at most three levels)."""

    __tablename__ = "catalog_categories"

    parent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("catalog_categories.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    icon: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    image: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)
    is_visible: Mapped[bool] = mapped_column(default=True)


class Tag(TenantMixin, Base):
    __tablename__ = "catalog_tags"
    __table_args__ = (UniqueConstraint("shop_id", "name"),)

    name: Mapped[str] = mapped_column(String(40))


class ProductGroup(TenantMixin, Base):
    """A 分组: hand-picked products (manual) or every product matching a rule of tags/price."""

    __tablename__ = "catalog_groups"

    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default=GroupKind.MANUAL)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)


class Product(TenantMixin, Base):
    __tablename__ = "catalog_products"
    __table_args__ = (
        Index("uq_catalog_products_shop_id_code", "shop_id", "code", unique=True,
              postgresql_where=text("code IS NOT NULL AND deleted_at IS NULL"),
              sqlite_where=text("code IS NOT NULL AND deleted_at IS NULL")),
        Index("ix_catalog_products_shop_id_status", "shop_id", "status"),
        # The shopper list's default order, so a page reads the index instead of sorting.
        Index("ix_catalog_products_listing", "shop_id", "status", "sort_weight", "id"),
        # ... and every other shopper sort, and the console's "updated" (migration 0016).
        Index("ix_catalog_products_newest", "shop_id", "status", "created_at", "id"),
        Index("ix_catalog_products_sales", "shop_id", "status",
              text("(sales_count + sales_base)"), "id"),
        Index("ix_catalog_products_price", "shop_id", "status", "min_price_fen", "id"),
        Index("ix_catalog_products_updated", "shop_id", "updated_at", "id"),
        CheckConstraint("sales_count >= 0", name="sales_count_nonnegative"),
    )

    code: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(120))
    subtitle: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("catalog_categories.id", ondelete="SET NULL"), index=True)
    images: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    video: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    description_html: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(16), default="件")
    weight_g: Mapped[int | None]
    specs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=ProductStatus.DRAFT)
    on_sale_at: Mapped[datetime | None]
    off_sale_at: Mapped[datetime | None]
    sales_count: Mapped[int] = mapped_column(default=0)
    sales_base: Mapped[int] = mapped_column(default=0)
    limit_per_order: Mapped[int | None]
    limit_per_customer: Mapped[int | None]
    min_price_fen: Mapped[int] = mapped_column(default=0)
    max_price_fen: Mapped[int] = mapped_column(default=0)
    original_price_fen: Mapped[int | None]
    sort_weight: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]

    @property
    def sales(self) -> int:
        """What shoppers see: real sales plus the merchant's display base."""
        return self.sales_count + self.sales_base

    @property
    def cover(self) -> dict[str, Any] | None:
        return self.images[0] if self.images else None


class ProductTag(TenantMixin, Base):
    __tablename__ = "catalog_product_tags"
    __table_args__ = (UniqueConstraint("product_id", "tag_id"),)

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_tags.id", ondelete="CASCADE"), index=True)


class GroupProduct(TenantMixin, Base):
    """A product placed by hand in a manual group."""

    __tablename__ = "catalog_group_products"
    __table_args__ = (UniqueConstraint("group_id", "product_id"),)

    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_groups.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)


LOW_STOCK = ("retired_at IS NULL AND low_stock_threshold IS NOT NULL "
             "AND stock <= low_stock_threshold")


class Sku(TenantMixin, Base):
    """One cell of a product's spec matrix; ``stock`` is what can still be sold."""

    __tablename__ = "catalog_skus"
    __table_args__ = (
        UniqueConstraint("product_id", "spec_key"),
        Index("uq_catalog_skus_shop_id_code", "shop_id", "code", unique=True,
              postgresql_where=text("code IS NOT NULL AND retired_at IS NULL"),
              sqlite_where=text("code IS NOT NULL AND retired_at IS NULL")),
        # The SKUs low on stock (migration 0016), so counting them reads only those.
        Index("ix_catalog_skus_low_stock", "shop_id", "product_id",
              postgresql_where=text(LOW_STOCK), sqlite_where=text(LOW_STOCK)),
        CheckConstraint("stock >= 0", name="stock_nonnegative"),
        CheckConstraint("price_fen >= 0", name="price_nonnegative"),
    )

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"), index=True)
    spec_values: Mapped[list[str]] = mapped_column(JSON, default=list)
    spec_key: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(default=0)
    price_fen: Mapped[int]
    original_price_fen: Mapped[int | None]
    cost_fen: Mapped[int | None]
    stock: Mapped[int] = mapped_column(default=0)
    code: Mapped[str | None] = mapped_column(String(64))
    barcode: Mapped[str | None] = mapped_column(String(64))
    weight_g: Mapped[int | None]
    image: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    low_stock_threshold: Mapped[int | None]
    retired_at: Mapped[datetime | None]

    @property
    def is_low(self) -> bool:
        return self.low_stock_threshold is not None and self.stock <= self.low_stock_threshold


class StockLedgerEntry(TenantMixin, Base):
    """An append-only record of every stock change; ``balance`` is the SKU's stock after it."""

    __tablename__ = "catalog_stock_ledger"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key"),
        Index("ix_catalog_stock_ledger_sku_id_id", "sku_id", "id"),
    )

    sku_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_skus.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigId, index=True)
    delta: Mapped[int]
    balance: Mapped[int]
    reason: Mapped[str] = mapped_column(String(24))
    reference: Mapped[str] = mapped_column(String(120), default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200))


class StockReservation(TenantMixin, Base):
    """Stock held for an order line under an idempotency key (one row per key and SKU)."""

    __tablename__ = "catalog_stock_reservations"
    __table_args__ = (UniqueConstraint("shop_id", "key", "sku_id"),)

    key: Mapped[str] = mapped_column(String(120), index=True)
    sku_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_skus.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(BigId)
    qty: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=ReservationStatus.HELD)
    released_at: Mapped[datetime | None]
    committed_at: Mapped[datetime | None]


class SearchDocument(TenantMixin, Base):
    """The search tokens of one product (title, subtitle, tags, code), kept in step on write.

    SQLite mirrors ``tokens`` into the FTS5 table ``catalog_search_fts`` by triggers;
    PostgreSQL mirrors them by a trigger into ``catalog_search_terms`` (one B-tree indexed row
    per shop, term and product; catalog migration 0017), which row-level security lets the
    planner use.
    """

    __tablename__ = "catalog_search"
    __table_args__ = (UniqueConstraint("product_id"),)

    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("catalog_products.id", ondelete="CASCADE"))
    tokens: Mapped[str] = mapped_column(Text, default="")
