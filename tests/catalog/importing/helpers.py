"""Helpers of the import tests: workbooks built with openpyxl, imports run in-process (as
the CLI runs them), and reads of what ended up in the catalog."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Flask
from openpyxl import Workbook, load_workbook

from runtime.db import use_shop
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.columns import COLUMNS
from runtime.modules.catalog.importing.importer import run_import
from runtime.modules.catalog.importing.models import CatalogImport

DATA = Path(__file__).parent / "data"
HEADERS = [c.zh for c in COLUMNS]
KEY_TO_HEADER = {c.key: c.zh for c in COLUMNS}


def workbook_bytes(rows: list[dict[str, Any]], headers: list[str] | None = None,
                   sheet: str = "商品") -> bytes:
    """A workbook whose rows are dicts keyed by column key (``price``) or header; text that
    starts with ``=`` stays text (build a workbook by hand for formulas)."""
    headers = headers or HEADERS
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        values = {KEY_TO_HEADER.get(k, k): v for k, v in row.items()}
        ws.append([values.get(h) for h in headers])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_file(app: Flask, shop: Any, data: bytes | Path, filename: str = "products.xlsx",
                **options: Any) -> CatalogImport:
    """Import ``data`` into ``shop`` the way ``mallkit catalog import`` does."""
    mk = app.extensions["mallkit"]
    locale = options.pop("locale", "en")
    with app.app_context(), mk.session_factory() as session:
        use_shop(session, shop.id)
        session.info["redis"] = mk.redis
        run = service.create_import(session, mk.settings.data_dir, filename, data,
                                    requested_by="test", locale=locale, options=options)
        session.commit()
        return run_import(session, run.id, mk.settings.data_dir)


def report_rows(app: Flask, run: CatalogImport) -> list[dict[str, Any]]:
    """The error report's rows as dicts by header, with ``_bad`` {header: comment}."""
    path = service.report_file(app.extensions["mallkit"].settings.data_dir, run)
    assert path is not None, "no error report"
    ws = load_workbook(path).worksheets[0]
    rows = list(ws.iter_rows())
    headers = [c.value for c in rows[0]]
    found = []
    for row in rows[1:]:
        item = {h: c.value for h, c in zip(headers, row, strict=False)}
        item["_bad"] = {h: c.comment.text for h, c in zip(headers, row, strict=False)
                        if c.comment is not None}
        found.append(item)
    return found


def products_by_code(app: Flask, shop: Any) -> dict[str, dict[str, Any]]:
    """Every live product of the shop by code (or title when it has none): the product, its
    active SKUs by spec values, its tag names and its stock ledger."""
    from sqlalchemy import select

    from runtime.modules.catalog.models import Product, StockLedgerEntry
    from runtime.modules.catalog.products import skus_of
    from runtime.modules.catalog.taxonomy import product_tag_names

    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        products = list(session.scalars(select(Product).where(Product.deleted_at.is_(None))
                                        .order_by(Product.id)))
        ids = [p.id for p in products]
        skus = skus_of(session, ids)
        tags = product_tag_names(session, ids)
        ledger = list(session.scalars(select(StockLedgerEntry).order_by(StockLedgerEntry.id)))
        found = {}
        for product in products:
            found[product.code or product.title] = {
                "product": product,
                "skus": {tuple(s.spec_values): s for s in skus[product.id]},
                "tags": tags.get(product.id, []),
                "ledger": [e for e in ledger if e.product_id == product.id],
            }
        return found


def count_rows(app: Flask, shop: Any, model: Any) -> int:
    from sqlalchemy import func, select

    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        return session.scalar(select(func.count()).select_from(model))
