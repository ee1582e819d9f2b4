"""The console list's figures: how many products a status filter finds and how many products
are low on stock, counted by the database and kept in the catalog cache (:mod:`.cache`)
until the catalog changes, so a repeat view of a large catalog counts no rows."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.modules.catalog import stock
from runtime.modules.catalog.cache import read_through
from runtime.modules.catalog.models import Product
from runtime.modules.catalog.queries import ProductFilter


def console_total(session: Session, f: ProductFilter) -> int | None:
    """How many products a console filter finds when it filters by status alone (or not at
    all); None for any other filter, which the list counts itself."""
    by_status_alone = ProductFilter(status=f.status, visible_only=False)
    return product_count(session, f.status) if f == by_status_alone else None


def product_count(session: Session, status: str | None = None) -> int:
    """The shop's products (not deleted), of one status or all."""
    return read_through(session, f"products:{status or 'all'}",
                        lambda s: _count_products(s, status), dump=int, load=int)


def low_stock_count(session: Session) -> int:
    """How many products have a SKU at or under its low-stock threshold."""
    return read_through(session, "low-stock", stock.low_stock_product_count,
                        dump=int, load=int)


def _count_products(session: Session, status: str | None) -> int:
    query = select(func.count()).select_from(Product).where(Product.deleted_at.is_(None))
    if status is not None:
        query = query.where(Product.status == status)
    return session.scalar(query) or 0
