"""A shop's catalog figures for the console: its products by status and how many are low on
stock, cached in Redis under the shop's catalog data version.

Every write to products, SKUs or stock bumps that version once it commits
(:func:`runtime.modules.catalog.effects.on_catalog_changed`), so an entry is served only
while nothing it counted has changed: the figures stay exact, and a repeat view of a large
catalog counts no rows. The version is read before the rows are counted, and the cache is
used only where each statement sees every earlier commit
(:func:`runtime.db.reads_latest_commits`) and never by a transaction that changed the
catalog itself (its change is not in any version yet): an entry can never be older than the
version it is stored under.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.db import current_shop_id, reads_latest_commits
from runtime.jobs import session_redis
from runtime.modules.catalog import stock
from runtime.modules.catalog.effects import DATA_TOPIC, changed_in_transaction
from runtime.modules.catalog.models import Product
from runtime.modules.catalog.queries import ProductFilter
from runtime.pages.cache import data_version_with

log = logging.getLogger(__name__)

#: Bounds the life of an entry whose version bump was lost (Redis away after a commit).
ENTRY_TTL_SECONDS = 600


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


def figures_key(shop_id: int) -> str:
    return f"mallkit:{shop_id}:catalog:figures"


def catalog_figures(session: Session) -> CatalogFigures:
    """The figures of the session's shop: from the cache while the catalog is unchanged,
    else counted (two statements) and cached."""
    shop_id = current_shop_id(session)
    if shop_id is None or (conn := _cache_of(session, shop_id)) is None:
        return count_figures(session)
    key = figures_key(shop_id)
    try:
        version, entry = data_version_with(conn, shop_id, DATA_TOPIC, key)
    except redis.RedisError:
        log.warning("catalog figures: Redis unavailable; counting", exc_info=True)
        return count_figures(session)
    cached = _unpack(entry, version)
    if cached is not None:
        return cached
    figures = count_figures(session)
    try:
        conn.set(key, _pack(version, figures), ex=ENTRY_TTL_SECONDS)
    except redis.RedisError:
        log.warning("catalog figures: could not cache them", exc_info=True)
    return figures


def count_figures(session: Session) -> CatalogFigures:
    """The figures counted by the database (no rows loaded)."""
    by_status = session.execute(select(Product.status, func.count())
                                .where(Product.deleted_at.is_(None)).group_by(Product.status))
    return CatalogFigures({str(status): count for status, count in by_status},
                          stock.low_stock_product_count(session))


def _cache_of(session: Session, shop_id: int) -> redis.Redis | None:
    """The Redis to cache the figures in, or None when a cached entry could be wrong here."""
    if changed_in_transaction(session, shop_id) or not reads_latest_commits(session):
        return None
    return session_redis(session)


def _pack(version: str, figures: CatalogFigures) -> str:
    return version + "\n" + json.dumps({"by_status": figures.by_status,
                                        "low_stock": figures.low_stock})


def _unpack(entry: bytes | None, version: str) -> CatalogFigures | None:
    """The figures of a cached entry stored under ``version``; None for any other entry."""
    if entry is None:
        return None
    stored, _, body = entry.decode().partition("\n")
    if stored != version:
        return None
    data = json.loads(body)
    return CatalogFigures(data["by_status"], data["low_stock"])
