"""The catalog's part of the console overview: products low on stock."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules.catalog.stock import low_stock_product_count
from runtime.modules.hookspecs import OverviewFigure, hookimpl


@hookimpl
def overview_figures(session: Session) -> list[OverviewFigure]:
    return [OverviewFigure("low_stock", {"zh-CN": "库存预警商品", "en": "Products low on stock"},
                           low_stock_product_count(session), "catalog",
                           "catalog_console.products", {"low_stock": 1}, position=30)]
