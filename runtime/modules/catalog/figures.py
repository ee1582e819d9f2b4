"""A shop's catalog figures for the console: its products by status and how many are low on
stock, counted by the database and kept in the catalog cache (:mod:`.cache`) until the
catalog changes, so a repeat view of a large catalog counts no rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.modules.catalog import stock
from runtime.modules.catalog.cache import read_through
from runtime.modules.catalog.models import Product
from runtime.modules.catalog.queries import ProductFilter


@dataclass(frozen=True)
class CatalogFigures:
    by_status: dict[str, int]  # products not deleted, per status
    low_stock: int  # products with a SKU at or under its low-stock threshold

    def products(self, status: str | None = None) -> int:
        """The shop's products (not deleted), of one status or all."""
        if status is None:
            return sum(self.by_status.values())
        return self.by_status.get(status, 0)

    def total_of(self, f: ProductFilter) -> int | None:
        """How many products a console filter finds when it filters by status alone; None
        for any other filter (the list counts those itself)."""
        narrowed = (f.keyword or f.category_id is not None or f.group_id is not None or f.tag
                    or f.min_price_fen is not None or f.max_price_fen is not None
                    or f.low_stock or f.visible_only)
        return None if narrowed else self.products(f.status)


def catalog_figures(session: Session) -> CatalogFigures:
    """The figures of the session's shop, counted at most once per catalog version."""
    return read_through(session, "figures", count_figures, dump=asdict,
                        load=lambda data: CatalogFigures(**data))


def count_figures(session: Session) -> CatalogFigures:
    """The figures counted by the database (two statements, no rows loaded)."""
    by_status = session.execute(select(Product.status, func.count())
                                .where(Product.deleted_at.is_(None)).group_by(Product.status))
    return CatalogFigures({str(status): count for status, count in by_status},
                          stock.low_stock_product_count(session))
