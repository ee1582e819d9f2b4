"""The row locks of the catalog, always taken in one order to rule out deadlocks:
SKUs (by id), then products (by id), then stock reservations (by id).

On PostgreSQL these are ``SELECT ... FOR UPDATE``; SQLite ignores ``FOR UPDATE`` and
relies on the engine's ``BEGIN IMMEDIATE``, which already serialises writers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from runtime.modules.catalog.models import Product, Sku, StockReservation


def skus_for_update(sku_ids: Iterable[int]) -> Select[tuple[Sku]]:
    return (select(Sku).where(Sku.id.in_(sorted(set(sku_ids))))
            .order_by(Sku.id).with_for_update())


def product_skus_for_update(product_id: int) -> Select[tuple[Sku]]:
    """Every SKU of a product, retired ones included, before the product row itself."""
    return select(Sku).where(Sku.product_id == product_id).order_by(Sku.id).with_for_update()


def products_for_update(product_ids: Iterable[int]) -> Select[tuple[Product]]:
    return (select(Product).where(Product.id.in_(sorted(set(product_ids))))
            .order_by(Product.id).with_for_update())


def reservations_for_update(key: str) -> Select[tuple[StockReservation]]:
    return (select(StockReservation).where(StockReservation.key == key)
            .order_by(StockReservation.id).with_for_update())


def skus_with_products_for_update(sku_ids: Iterable[int]) -> Select[tuple[Sku, Product]]:
    """The SKUs (locked, by id) with their products (read, not locked) in one query: what a
    checkout prices and reserves. The rows are refreshed from the database."""
    return (select(Sku, Product).join(Product, Product.id == Sku.product_id)
            .where(Sku.id.in_(sorted(set(sku_ids)))).order_by(Sku.id)
            .with_for_update(of=Sku).execution_options(populate_existing=True))
