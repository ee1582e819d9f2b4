"""Export of the (filtered) product list to .xlsx, run as a job.

The workbook has the columns of the import template (one row per SKU, product cells on
every row), so an export edited in Excel imports back as an update. Images are written as
their URL when they came from one, else as ``media:<id>`` (an image of this shop's
library). The file is written with openpyxl's write-only mode, products are read in
batches by id, and each batch is its own short transaction.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

import redis
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import FieldError, NotFound
from runtime.fielderrors import FieldErrors
from runtime.jobs import on_commit
from runtime.media.models import MediaAsset
from runtime.media.refs import load_assets
from runtime.modules.catalog.importing import paths
from runtime.modules.catalog.importing.columns import COLUMNS, SHEET_NAMES
from runtime.modules.catalog.importing.messages import LOCALES
from runtime.modules.catalog.importing.models import CatalogExport, RunStatus
from runtime.modules.catalog.models import Product, ProductStatus
from runtime.modules.catalog.products import skus_of
from runtime.modules.catalog.queries import ProductFilter, conditions
from runtime.modules.catalog.taxonomy import category_tree, product_tag_names

BATCH = 500
RECENT = 20
MONEY_FORMAT = "0.00"
STATUS_WORDS = {
    "zh": {ProductStatus.ON_SALE: "上架", ProductStatus.OFF_SHELF: "下架",
           ProductStatus.DRAFT: "草稿"},
    "en": {ProductStatus.ON_SALE: "on_sale", ProductStatus.OFF_SHELF: "off_shelf",
           ProductStatus.DRAFT: "draft"},
}
FILTER_KEYS = ("keyword", "category_id", "group_id", "tag", "status", "low_stock")


# --- filters -----------------------------------------------------------------------------------


def check_filters(data: dict[str, Any]) -> dict[str, Any]:
    """The console list's filters as stored with an export (unknown keys are refused)."""
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for key in sorted(set(data) - set(FILTER_KEYS)):
        errors.append(FieldError(f"/{key}", "unknown filter", "unknown"))
    for key in ("category_id", "group_id"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(FieldError(f"/{key}", "must be a positive integer id", "type"))
        else:
            clean[key] = value
    for key, limit in (("keyword", 50), ("tag", 40)):
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > limit:
            errors.append(FieldError(f"/{key}", f"text of at most {limit} characters", "type"))
        else:
            clean[key] = value.strip()
    status = data.get("status")
    if status not in (None, "", *ProductStatus):
        errors.append(FieldError("/status", f"must be one of {', '.join(ProductStatus)}",
                                 "enum"))
    elif status:
        clean["status"] = status
    low = data.get("low_stock", False)
    if not isinstance(low, bool):
        errors.append(FieldError("/low_stock", "must be true or false", "type"))
    elif low:
        clean["low_stock"] = True
    errors.raise_if_any()
    return clean


def product_filter(filters: dict[str, Any]) -> ProductFilter:
    return ProductFilter(keyword=filters.get("keyword"), category_id=filters.get("category_id"),
                         group_id=filters.get("group_id"), tag=filters.get("tag"),
                         status=filters.get("status"),
                         low_stock=bool(filters.get("low_stock")), visible_only=False)


# --- runs --------------------------------------------------------------------------------------


def create_export(session: Session, filters: dict[str, Any], *, requested_by: str = "",
                  locale: str = "zh") -> CatalogExport:
    export = CatalogExport(filters=check_filters(filters), status=RunStatus.QUEUED.value,
                           locale=locale if locale in LOCALES else "zh",
                           requested_by=(requested_by or "")[:255])
    session.add(export)
    session.flush()
    return export


def queue_export(session: Session, export: CatalogExport, connection: redis.Redis) -> None:
    from runtime.modules.catalog.importing.jobs import enqueue_export

    on_commit(session, functools.partial(enqueue_export, connection, export.shop_id,
                                         export.id))


def get_export(session: Session, export_id: int) -> CatalogExport:
    export = session.scalar(select(CatalogExport).where(CatalogExport.id == export_id))
    if export is None:
        raise NotFound(f"no export {export_id}", code="export_not_found")
    return export


def recent_exports(session: Session, limit: int = RECENT) -> list[CatalogExport]:
    return list(session.scalars(select(CatalogExport)
                                .order_by(CatalogExport.id.desc()).limit(limit)))


def export_file(data_dir: Path, export: CatalogExport) -> Path | None:
    path = paths.export_file(data_dir, export)
    return path if export.status == RunStatus.DONE and path.is_file() else None


def download_name(export: CatalogExport) -> str:
    stamp = (export.created_at or utcnow()).strftime("%Y%m%d-%H%M")
    return f"products-{stamp}-{export.id}.xlsx"


def run_export(session: Session, export_id: int, data_dir: Path) -> CatalogExport:
    """Carry out a queued export (the session is scoped to its shop); a finished one is
    left as it is."""
    export = get_export(session, export_id)
    if export.status in (RunStatus.DONE, RunStatus.FAILED):
        return export
    export.status = RunStatus.RUNNING.value
    session.commit()
    try:
        products, skus = write_products(session, product_filter(export.filters),
                                        paths.export_file(data_dir, export), export.locale)
    except Exception as exc:
        session.rollback()
        export = get_export(session, export_id)
        export.status, export.error = RunStatus.FAILED.value, str(exc)[:500]
        export.finished_at = utcnow()
        session.commit()
        raise
    export = get_export(session, export_id)
    export.status = RunStatus.DONE.value
    export.product_count, export.sku_count = products, skus
    export.finished_at = utcnow()
    session.commit()
    return export


# --- the workbook ------------------------------------------------------------------------------


def _text_cell(sheet: Worksheet, value: Any, **styles: Any) -> WriteOnlyCell:
    """A cell whose text stays text (a title starting with ``=`` is not a formula)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def _money_cell(sheet: Worksheet, fen: int | None) -> WriteOnlyCell:
    if fen is None:
        return WriteOnlyCell(sheet, value=None)
    cell = WriteOnlyCell(sheet, value=Decimal(fen) / 100)
    cell.number_format = MONEY_FORMAT
    return cell


def _category_paths(session: Session) -> dict[int, str]:
    found: dict[int, str] = {}

    def walk(nodes: list[Any], prefix: str) -> None:
        for node in nodes:
            path = f"{prefix} > {node.category.name}" if prefix else node.category.name
            found[node.id] = path
            walk(node.children, path)
    walk(category_tree(session), "")
    return found


def image_token(ref: Any, assets: dict[int, MediaAsset]) -> str:
    """An image reference as the template writes it: its URL, or ``media:<id>``."""
    if not isinstance(ref, dict):
        return ""
    if "url" in ref:
        return str(ref["url"])
    media_id = ref.get("media_id")
    asset = assets.get(media_id) if isinstance(media_id, int) else None
    if asset is not None and asset.external_url:
        return asset.external_url
    return f"media:{media_id}"


def write_products(session: Session, f: ProductFilter, path: Path, locale: str
                   ) -> tuple[int, int]:
    """Write every product matching ``f`` (by id); returns (products, SKUs) written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_NAMES[0] if locale == "zh" else SHEET_NAMES[1])
    sheet.freeze_panes = "A2"
    for i, column in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(i + 1)].width = column.width
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, c.header(locale), font=bold) for c in COLUMNS])
    words = STATUS_WORDS.get(locale, STATUS_WORDS["en"])
    where = conditions(session, f)
    categories = _category_paths(session)
    products_written = skus_written = 0
    last_id = 0
    while where is not None:
        batch = list(session.scalars(select(Product).where(*where, Product.id > last_id)
                                     .order_by(Product.id).limit(BATCH)))
        if not batch:
            break
        last_id = batch[-1].id
        ids = [p.id for p in batch]
        skus = skus_of(session, ids)
        tags = product_tag_names(session, ids)
        refs: list[Any] = [ref for p in batch for ref in p.images or []]
        refs += [s.image for rows in skus.values() for s in rows if s.image]
        assets = load_assets(session, refs)
        for product in batch:
            head = {
                "product_code": product.code or "", "title": product.title,
                "subtitle": product.subtitle, "category": categories.get(
                    product.category_id or 0, ""),
                "tags": ", ".join(tags.get(product.id, [])),
                "status": words.get(product.status, product.status), "unit": product.unit,
                "images": "\n".join(image_token(r, assets) for r in product.images or []),
                "description": product.description_html,
            }
            names = [s["name"] for s in product.specs or []]
            for sku in skus.get(product.id, []):
                sheet.append(_sku_row(sheet, head, names, sku, assets))
                skus_written += 1
            products_written += 1
        session.commit()  # one short transaction per batch; nothing is held between them
        session.expunge_all()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.replace(path)
    return products_written, skus_written


def _sku_row(sheet: Worksheet, head: dict[str, Any], names: list[str], sku: Any,
             assets: dict[int, MediaAsset]) -> list[WriteOnlyCell]:
    values = dict(head)
    for i in range(3):
        values[f"spec{i + 1}_name"] = names[i] if i < len(names) else ""
        values[f"spec{i + 1}_value"] = (sku.spec_values[i] if i < len(sku.spec_values)
                                        else "")
    values.update({"sku_code": sku.code or "", "barcode": sku.barcode or "",
                   "sku_image": image_token(sku.image, assets) if sku.image else ""})
    money = {"price": sku.price_fen, "original_price": sku.original_price_fen,
             "cost": sku.cost_fen}
    numbers = {"stock": sku.stock, "weight_g": sku.weight_g,
               "low_stock": sku.low_stock_threshold}
    cells = []
    for column in COLUMNS:
        if column.key in money:
            cells.append(_money_cell(sheet, money[column.key]))
        elif column.key in numbers:
            cells.append(WriteOnlyCell(sheet, value=numbers[column.key]))
        else:
            cells.append(_text_cell(sheet, values.get(column.key) or None))
    return cells
