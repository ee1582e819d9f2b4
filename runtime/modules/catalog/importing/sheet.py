"""The mallkit product workbook read into product drafts.

Rows belong to the product whose code they carry; a row without a product code continues
the product above it when its title is blank or the same, and starts a new product
otherwise. Product cells are read from the product's first row; later rows may repeat
them or leave them blank, a different value is an error. A column that is missing
leaves that field of an existing product as it is.
"""

from __future__ import annotations

import re
from typing import Any

from runtime.modules.catalog.importing.columns import (
    BY_KEY,
    PRODUCT_KEYS,
    SPEC_COLUMNS,
    column_key,
)
from runtime.modules.catalog.importing.drafts import (
    MAX_STOCK,
    MAX_WEIGHT_G,
    CellRef,
    CellValueError,
    ParsedFile,
    ProductDraft,
    SkuDraft,
    SourceRow,
    category_path,
    money_fen,
    split_list,
    text,
    whole,
)
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.models import SourceFormat
from runtime.modules.catalog.importing.reader import Table

STATUS_WORDS = {
    "上架": "on_sale", "出售中": "on_sale", "在售": "on_sale", "销售中": "on_sale",
    "on_sale": "on_sale", "onsale": "on_sale", "on sale": "on_sale", "active": "on_sale",
    "下架": "off_shelf", "已下架": "off_shelf", "仓库中": "off_shelf", "off_shelf": "off_shelf",
    "offshelf": "off_shelf", "off shelf": "off_shelf", "archived": "off_shelf",
    "草稿": "draft", "draft": "draft",
}
_IMAGE_SPLIT = re.compile(r"\s+|[;；，]|,(?=\s*(?:https?://|media:))", re.IGNORECASE)
TEXT_LIMITS = {"title": 120, "subtitle": 200, "unit": 16, "product_code": 64,
               "sku_code": 64, "barcode": 64}


def split_images(value: str) -> list[str]:
    return [part for part in _IMAGE_SPLIT.split(value) if part]


class _Rows:
    """Cell access by column key over the parsed rows, formula cells reported once."""

    def __init__(self, parsed: ParsedFile, index: dict[str, int]) -> None:
        self.parsed = parsed
        self.index = index

    def has(self, key: str) -> bool:
        return key in self.index

    def ref(self, row: int, key: str) -> CellRef:
        return CellRef(row, self.index.get(key))

    def raw(self, row: int, key: str) -> Any:
        column = self.index.get(key)
        source: SourceRow = self.parsed.rows[row]
        if column is None or column in source.formulas:
            return None
        return source.get(column)


def parse_template(table: Table) -> ParsedFile:
    parsed = ParsedFile(SourceFormat.MALLKIT, table.headers, table.rows)
    index: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        key = column_key(header)
        if key is not None and key not in index:
            index[key] = i
    missing = [BY_KEY[k].zh for k in ("title", "price") if k not in index]
    if missing:
        parsed.error = Msg("missing column(s): {columns}", columns=", ".join(missing))
        return parsed
    rows = _Rows(parsed, index)
    parsed.products = _group(rows)
    for draft in parsed.products:
        _formulas(rows, draft)
        _product_cells(rows, draft)
        _skus(rows, draft)
    return parsed


def _group(rows: _Rows) -> list[ProductDraft]:
    products: list[ProductDraft] = []
    by_code: dict[str, ProductDraft] = {}
    current: ProductDraft | None = None
    current_title = ""
    for r in range(len(rows.parsed.rows)):
        code = text(rows.raw(r, "product_code"))
        title = text(rows.raw(r, "title"))
        if code:
            draft = by_code.get(code)
            if draft is None:
                draft = by_code[code] = ProductDraft(rows=[], code=code)
                products.append(draft)
                current_title = title
        elif current is not None and (not title or title == current_title):
            draft = current
        else:
            draft = ProductDraft(rows=[])
            products.append(draft)
            current_title = title
        if title and not current_title:
            current_title = title
        draft.rows.append(r)
        current = draft
    return products


def _formulas(rows: _Rows, draft: ProductDraft) -> None:
    for r in draft.rows:
        for column in sorted(rows.parsed.rows[r].formulas):
            draft.fail(CellRef(r, column),
                       Msg("formulas are not accepted; paste the values instead"))


def _product_value(rows: _Rows, draft: ProductDraft, key: str) -> tuple[str, CellRef]:
    """The product's value of a product column (first non-blank row), with its cell;
    a later row with another value is an error."""
    first: str | None = None
    first_ref = rows.ref(draft.first_row, key)
    for r in draft.rows:
        value = text(rows.raw(r, key))
        if not value:
            continue
        if first is None:
            first, first_ref = value, rows.ref(r, key)
        elif value != first:
            draft.fail(rows.ref(r, key), Msg("differs from the first row of this product "
                                             "({first})", first=first[:40]))
    return first or "", first_ref


def _limited(draft: ProductDraft, value: str, ref: CellRef, key: str) -> str | None:
    limit = TEXT_LIMITS.get(key)
    if limit is not None and len(value) > limit:
        draft.fail(ref, Msg("at most {limit} characters", limit=limit))
        return None
    return value


def _product_cells(rows: _Rows, draft: ProductDraft) -> None:
    if draft.code is not None:
        draft.cells["code"] = rows.ref(draft.first_row, "product_code")
        if _limited(draft, draft.code, draft.cells["code"], "product_code") is None:
            draft.code = None
    for key in PRODUCT_KEYS:
        if key == "product_code" or not rows.has(key):
            continue
        value, ref = _product_value(rows, draft, key)
        if key == "title":
            draft.cells["title"] = ref
            if value and _limited(draft, value, ref, key) is not None:
                draft.fields["title"] = value
        elif key in ("subtitle", "unit"):
            draft.cells[key] = ref
            if key == "unit" and not value:
                continue
            if _limited(draft, value, ref, key) is not None:
                draft.fields[key] = value
        elif key == "description":
            draft.cells["description_html"] = ref
            draft.fields["description_html"] = value
        elif key == "category":
            draft.cells["category_id"] = ref
            draft.category = category_path(value)
        elif key == "tags":
            draft.cells["tags"] = ref
            draft.fields["tags"] = split_list(value)
        elif key == "status":
            draft.cells["status"] = ref
            if value:
                status = STATUS_WORDS.get(value.lower())
                if status is None:
                    draft.fail(ref, Msg("unknown status {value}; use 上架, 下架 or 草稿",
                                        value=value[:20]))
                else:
                    draft.fields["status"] = status
        elif key == "images":
            draft.cells["images"] = ref
            draft.images = [(item, ref) for item in split_images(value)]


_SKU_MONEY = (("price", "price_fen"), ("original_price", "original_price_fen"),
              ("cost", "cost_fen"))
_SKU_WHOLE = (("stock", "stock", MAX_STOCK), ("weight_g", "weight_g", MAX_WEIGHT_G),
              ("low_stock", "low_stock_threshold", MAX_STOCK))
_SKU_TEXT = (("sku_code", "code"), ("barcode", "barcode"))


def _sku_columns(rows: _Rows, spec_value_keys: list[str]) -> dict[str, int | None]:
    """Field -> column of the SKU rows of one product (shared by its rows)."""
    columns: dict[str, int | None] = {}
    for i, value_key in enumerate(spec_value_keys):
        columns[f"spec:{i}"] = rows.index.get(value_key)
    for key, field, *_rest in (*_SKU_MONEY, *_SKU_WHOLE, *_SKU_TEXT):
        if rows.has(key):
            columns[field] = rows.index[key]
    if rows.has("sku_image"):
        columns["image"] = rows.index["sku_image"]
    return columns


def _skus(rows: _Rows, draft: ProductDraft) -> None:
    names: list[tuple[str, CellRef] | None] = []
    for name_key, _value_key in SPEC_COLUMNS:
        if rows.has(name_key):
            value, ref = _product_value(rows, draft, name_key)
            names.append((value, ref) if value else None)
        else:
            names.append(None)
    named = [value_key for (_n, value_key), name in zip(SPEC_COLUMNS, names, strict=True)
             if name is not None]
    columns = _sku_columns(rows, named)
    for r in draft.rows:
        sku = SkuDraft(row=r, columns=columns)
        formulas = rows.parsed.rows[r].formulas
        values: list[str] = []
        for (name_key, value_key), name in zip(SPEC_COLUMNS, names, strict=True):
            value = text(rows.raw(r, value_key)) if rows.has(value_key) else ""
            if name is None:
                if value:
                    draft.fail(rows.ref(r, value_key),
                               Msg("give the spec a name in {column}",
                                   column=BY_KEY[name_key].zh))
                continue
            if not value and rows.index.get(value_key) not in formulas:
                draft.fail(rows.ref(r, value_key), Msg("is required"))
            values.append(value)
        sku.spec_values = tuple(values)
        _sku_values(rows, draft, sku, r, formulas)
        draft.skus.append(sku)
    for name in names:
        if name is not None:
            draft.specs.append({"name": name[0], "values": []})
            draft.spec_cells.append(name[1])


def _sku_values(rows: _Rows, draft: ProductDraft, sku: SkuDraft, r: int,
                formulas: frozenset[int]) -> None:
    source = rows.parsed.rows[r]
    for key, field, *rest in (*_SKU_MONEY, *_SKU_WHOLE):
        column = rows.index.get(key)
        if column is None or column in formulas:
            continue
        raw = source.get(column)
        try:
            value = money_fen(raw) if not rest else whole(raw, maximum=rest[0])
        except CellValueError as error:
            draft.fail(CellRef(r, column), error.message)
            continue
        if value is None:
            if field == "price_fen":
                draft.fail(CellRef(r, column), Msg("is required"))
            elif field != "stock":
                sku.values[field] = None
            continue
        sku.values[field] = value
    for key, field in _SKU_TEXT:
        column = rows.index.get(key)
        if column is not None and column not in formulas:
            value = _limited(draft, text(source.get(column)), CellRef(r, column), key)
            if value is not None:
                sku.values[field] = value or None
    column = rows.index.get("sku_image")
    if column is not None and column not in formulas:
        sku.image = text(source.get(column)) or None
