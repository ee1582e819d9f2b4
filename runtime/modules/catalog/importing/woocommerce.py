"""WooCommerce's product CSV (Products > Export, English column names) read into drafts.

``Type`` says what a row is: ``simple`` (a product with one SKU), ``variable`` (a product
whose SKUs are the ``variation`` rows naming it in ``Parent`` as ``id:<ID>`` or by SKU).
Grouped and external products have no mallkit equivalent and are reported. The mapping:

- SKU of the product (else ``woo-<ID>``) -> product code; Name -> title; Description ->
  description; Short description -> subtitle when it is short plain text, else it leads
  the description;
- the first of Categories (``Clothing > Tshirts, Sale``) -> category, created if missing;
  Tags -> tags; Published 1 -> on sale, otherwise draft;
- the variable product's attributes used by its variations -> specs (values in the
  parent's order); each variation's values, SKU, prices, Stock, Low stock amount, Weight
  (kg, inherited from the parent when blank) and its image -> a SKU;
- Sale price (while its sale dates allow) is the price and Regular price the compare-at
  price, else Regular price is the price; Stock below zero counts as 0, a blank Stock
  (stock not managed) leaves it unset (0 for a new SKU);
- Images (comma separated URLs, the first is the cover) -> product images.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from runtime.clock import utcnow
from runtime.modules.catalog.importing.drafts import (
    MAX_STOCK,
    MAX_WEIGHT_G,
    CellValueError,
    HeaderIndex,
    ParsedFile,
    Problem,
    ProductDraft,
    SkuDraft,
    SourceRow,
    category_path,
    fit_code,
    money_fen,
    whole,
)
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.models import SourceFormat
from runtime.modules.catalog.importing.reader import Table
from runtime.modules.catalog.importing.sheet import split_images

REQUIRED = ("Type", "Name", "Regular price")
SUPPORTED = {"simple", "variable", "variation"}
BASE_TYPES = SUPPORTED | {"grouped", "external"}
_ESCAPED_SPLIT = re.compile(r"(?<!\\),")
_TAGS = re.compile(r"<[^>]+>")
MAX_SUBTITLE = 200


def is_woocommerce(headers: list[str]) -> bool:
    names = {h.strip().lower() for h in headers}
    return {"type", "name"} <= names and ("regular price" in names or "parent" in names)


def split_escaped(value: str) -> list[str]:
    """A WooCommerce list cell: commas separate, ``\\,`` is a comma inside an item."""
    return [part.replace("\\,", ",").strip() for part in _ESCAPED_SPLIT.split(value)
            if part.strip()]


def _kind(cols: HeaderIndex, row: SourceRow) -> str:
    kinds = [k.strip().lower() for k in cols.text(row, "Type").split(",")]
    return next((k for k in kinds if k in BASE_TYPES), kinds[0] if kinds else "")


def parse(table: Table) -> ParsedFile:
    parsed = ParsedFile(SourceFormat.WOOCOMMERCE, table.headers, table.rows)
    cols = HeaderIndex(table.headers)
    missing = [name for name in REQUIRED if not cols.has(name)]
    if missing:
        parsed.error = Msg("missing column(s): {columns}", columns=", ".join(missing))
        return parsed
    parents: dict[str, ProductDraft] = {}
    variations: list[int] = []
    for r, row in enumerate(table.rows):
        kind = _kind(cols, row)
        if kind == "variation":
            variations.append(r)
            continue
        draft = ProductDraft(rows=[r])
        parsed.products.append(draft)
        if kind not in SUPPORTED:
            draft.fail(cols.ref(r, "Type"), Msg("unsupported WooCommerce product type {type}",
                                                type=cols.text(row, "Type")[:30] or "-"))
            continue
        woo_id = cols.text(row, "ID") if cols.has("ID") else ""
        sku = cols.text(row, "SKU") if cols.has("SKU") else ""
        if woo_id:
            parents[f"id:{woo_id}"] = draft
        if sku:
            parents.setdefault(sku, draft)
        draft.code = fit_code(sku) if sku else (f"woo-{woo_id}" if woo_id else None)
        draft.cells["code"] = cols.ref(r, "SKU" if sku else "ID")
        _product(cols, row, r, draft)
        if kind == "simple":
            draft.skus.append(_sku(cols, row, r, draft, [], parent_row=None))
    children: dict[int, list[int]] = {}
    for r in variations:
        parent_ref = cols.text(table.rows[r], "Parent") if cols.has("Parent") else ""
        parent = parents.get(parent_ref) or parents.get(f"id:{parent_ref}")
        if parent is None:
            parsed.stray_problems.append(Problem(
                cols.ref(r, "Parent"), Msg("variation of an unknown parent {parent}",
                                           parent=parent_ref or "-")))
            continue
        parent.rows.append(r)
        children.setdefault(id(parent), []).append(r)
    for draft in parsed.products:
        if draft.failed or _kind(cols, table.rows[draft.first_row]) != "variable":
            continue
        rows = children.get(id(draft), [])
        if not rows:
            draft.fail(cols.ref(draft.first_row, "Type"),
                       Msg("a variable product needs variation rows"))
            continue
        _variations(cols, table.rows, draft, rows)
    return parsed


def _product(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft) -> None:
    title = cols.text(row, "Name")
    draft.cells["title"] = cols.ref(r, "Name")
    if len(title) > 120:
        draft.fail(draft.cells["title"], Msg("at most {limit} characters", limit=120))
    elif title:
        draft.fields["title"] = title
    description = cols.text(row, "Description") if cols.has("Description") else ""
    short = cols.text(row, "Short description") if cols.has("Short description") else ""
    plain = " ".join(_TAGS.sub(" ", short).split())
    if short and len(plain) <= MAX_SUBTITLE and "<" not in short.replace("<p>", "").replace(
            "</p>", ""):
        draft.fields["subtitle"] = plain
        draft.cells["subtitle"] = cols.ref(r, "Short description")
    elif short:
        description = f"{short}\n{description}" if description else short
    if cols.has("Description") or short:
        draft.fields["description_html"] = description
        draft.cells["description_html"] = cols.ref(r, "Description")
    if cols.has("Published"):
        draft.cells["status"] = cols.ref(r, "Published")
        draft.fields["status"] = "on_sale" if cols.text(row, "Published") == "1" else "draft"
    if cols.has("Categories"):
        draft.cells["category_id"] = cols.ref(r, "Categories")
        first = split_escaped(cols.text(row, "Categories"))
        draft.category = category_path(first[0]) if first else []
    if cols.has("Tags"):
        draft.cells["tags"] = cols.ref(r, "Tags")
        draft.fields["tags"] = split_escaped(cols.text(row, "Tags"))
    if cols.has("Images"):
        draft.cells["images"] = ref = cols.ref(r, "Images")
        draft.images = [(url, ref) for url in split_images(cols.text(row, "Images"))]


def _attributes(cols: HeaderIndex, row: SourceRow) -> list[tuple[int, str, str]]:
    """``(number, name, value text)`` of the row's ``Attribute N`` columns."""
    found = []
    n = 1
    while cols.has(f"Attribute {n} name"):
        name = cols.text(row, f"Attribute {n} name")
        if name:
            found.append((n, name, cols.text(row, f"Attribute {n} value(s)")))
        n += 1
    return found


def _variations(cols: HeaderIndex, rows: list[SourceRow], draft: ProductDraft,
                variation_rows: list[int]) -> None:
    parent_row = rows[draft.first_row]
    used: list[str] = []
    for r in variation_rows:
        for _n, name, _value in _attributes(cols, rows[r]):
            if name not in used:
                used.append(name)
    parent_attrs = {name: (n, split_escaped(value))
                    for n, name, value in _attributes(cols, parent_row)}
    order = [name for name in parent_attrs if name in used]
    order += [name for name in used if name not in parent_attrs]
    for name in order:
        number = parent_attrs[name][0] if name in parent_attrs else 1
        draft.specs.append({"name": name, "values": []})
        draft.spec_cells.append(cols.ref(draft.first_row, f"Attribute {number} name"))
    skus = [_sku(cols, rows[r], r, draft, order, parent_row=parent_row)
            for r in variation_rows]
    # Values in the parent's order (a value only the variations name comes after), SKUs in
    # matrix order, so the specs read the way the shop listed them.
    ranks = []
    for i, name in enumerate(order):
        listed = parent_attrs.get(name, (0, []))[1]
        seen = list(dict.fromkeys(s.spec_values[i] for s in skus if s.spec_values[i]))
        values = [v for v in listed if v in seen] + [v for v in seen if v not in listed]
        ranks.append({v: k for k, v in enumerate(values)})
    skus.sort(key=lambda s: tuple(ranks[i].get(v, len(ranks[i]))
                                  for i, v in enumerate(s.spec_values)))
    draft.skus.extend(skus)


def _sku(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft, order: list[str],
         *, parent_row: SourceRow | None) -> SkuDraft:
    sku = SkuDraft(row=r)
    attrs = {name: (n, value) for n, name, value in _attributes(cols, row)}
    values = []
    for i, name in enumerate(order):
        n, value = attrs.get(name, (None, ""))
        sku.columns[f"spec:{i}"] = cols.column(f"Attribute {n} value(s)") if n else None
        value = split_escaped(value)[0] if split_escaped(value) else ""
        if not value:
            draft.fail(sku.cell(f"spec:{i}"),
                       Msg("attribute {name} is 'any' on this variation; mallkit needs one "
                           "SKU per value", name=name))
        values.append(value)
    sku.spec_values = tuple(values)
    _prices(cols, row, r, sku, draft)
    if cols.has("SKU"):
        sku.columns["code"] = cols.column("SKU")
        code = cols.text(row, "SKU")
        if len(code) > 64:
            draft.fail(sku.cell("code"), Msg("at most {limit} characters", limit=64))
        else:
            sku.values["code"] = code or None
    for column, name in (("Stock", "stock"), ("Low stock amount", "low_stock_threshold")):
        if not cols.has(column):
            continue
        sku.columns[name] = cols.column(column)
        try:
            number = whole(cols.value(row, column), maximum=MAX_STOCK, minimum=-MAX_STOCK)
        except CellValueError as error:
            draft.fail(sku.cell(name), error.message)
            continue
        if number is not None:
            sku.values[name] = max(number, 0)
        elif name == "low_stock_threshold":
            sku.values[name] = None
    if cols.has("Weight (kg)"):
        sku.columns["weight_g"] = cols.column("Weight (kg)")
        raw = cols.text(row, "Weight (kg)")
        if not raw and parent_row is not None:
            raw = cols.text(parent_row, "Weight (kg)")
        try:
            sku.values["weight_g"] = _grams(raw)
        except CellValueError as error:
            draft.fail(sku.cell("weight_g"), error.message)
    if parent_row is not None and cols.has("Images"):
        sku.columns["image"] = cols.column("Images")
        images = split_images(cols.text(row, "Images"))
        sku.image = images[0] if images else None
    return sku


def _grams(kg: str) -> int | None:
    if not kg:
        return None
    try:
        grams = (Decimal(kg) * 1000).quantize(Decimal(1))
    except InvalidOperation:
        raise CellValueError(Msg("not a weight in kg")) from None
    if not grams.is_finite() or grams < 0:
        raise CellValueError(Msg("not a weight in kg"))
    if grams > MAX_WEIGHT_G:
        raise CellValueError(Msg("must be at most {maximum}", maximum=MAX_WEIGHT_G))
    return int(grams)


def _sale_active(cols: HeaderIndex, row: SourceRow) -> bool:
    today = utcnow().date()
    start = _date(cols, row, "Date sale price starts")
    end = _date(cols, row, "Date sale price ends")
    return (start is None or start <= today) and (end is None or end >= today)


def _date(cols: HeaderIndex, row: SourceRow, column: str) -> date | None:
    if not cols.has(column):
        return None
    value: Any = cols.value(row, column)
    if isinstance(value, datetime):
        return value.date()
    raw = cols.text(row, column)
    try:
        return datetime.fromisoformat(raw[:10]).date() if raw else None
    except ValueError:
        return None


def _prices(cols: HeaderIndex, row: SourceRow, r: int, sku: SkuDraft,
            draft: ProductDraft) -> None:
    regular_ref = cols.ref(r, "Regular price")
    sale_ref = cols.ref(r, "Sale price")
    try:
        regular = money_fen(cols.value(row, "Regular price"))
    except CellValueError as error:
        draft.fail(regular_ref, error.message)
        regular = None
    sale = None
    if cols.has("Sale price"):
        try:
            sale = money_fen(cols.value(row, "Sale price"))
        except CellValueError as error:
            draft.fail(sale_ref, error.message)
    if sale is not None and _sale_active(cols, row):
        sku.values["price_fen"] = sale
        sku.columns["price_fen"] = sale_ref.column
        sku.values["original_price_fen"] = regular if regular and regular > sale else None
        sku.columns["original_price_fen"] = regular_ref.column
    else:
        sku.columns["price_fen"] = regular_ref.column
        if regular is None:
            if not any(p.cell == regular_ref for p in draft.problems):
                draft.fail(regular_ref, Msg("is required"))
        else:
            sku.values["price_fen"] = regular
        sku.values["original_price_fen"] = None
