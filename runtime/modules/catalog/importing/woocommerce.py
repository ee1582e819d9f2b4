"""WooCommerce's product CSV (Products > Export, English column names) read into drafts.

``Type`` says what a row is: ``simple`` (a product with one SKU), ``variable`` (a product
whose SKUs are the ``variation`` rows naming it in ``Parent`` as ``id:<ID>`` or by SKU).
Grouped products (a set of other products) and external ones (sold on another site) have no
mallkit equivalent and are reported with one message each. The mapping:

- SKU of the product (else ``woo-<ID>``) -> product code; Name -> title; Description ->
  description; Short description -> subtitle when it is short plain text, else it leads
  the description;
- the first of Categories (``Clothing > Tshirts, Sale``) -> category, created if missing;
  Tags -> tags; Published 1 -> on sale, otherwise draft;
- the variable product's attributes used by its variations -> specs (values in the
  parent's order; an attribute only the variations name comes after); each variation's
  values, SKU, prices, Stock, Low stock amount, Weight (the store's unit, kg, g, lbs or oz,
  inherited from the parent when blank) and its image -> a SKU;
- a variation whose attribute is "any" (WooCommerce's blank value) becomes one SKU per
  value the parent lists (a combination another variation names keeps that one; the code
  gains ``-<value>`` when there are several; a managed stock is split evenly), and the
  combinations no variation covers (a sparse matrix) are created sold out: stock 0, the
  price of a sibling, no code;
- Sale price (while its sale dates allow) is the price and Regular price the compare-at
  price, else Regular price is the price; Stock below zero counts as 0, a blank Stock
  (stock not managed) leaves it unset (0 for a new SKU);
- Images (comma separated URLs, the first is the cover) -> product images.
"""

from __future__ import annotations

import contextlib
import itertools
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
WEIGHT_UNITS = {"kg": Decimal(1000), "g": Decimal(1), "lbs": Decimal("453.59237"),
                "oz": Decimal("28.349523125")}
UNSUPPORTED = {
    "grouped": Msg("a grouped product only lists other products; mallkit has no grouped "
                   "products, so import its products on their own rows"),
    "external": Msg("an external product is sold on another site; a mallkit shop sells "
                    "only its own products, so it is not imported"),
}


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
            draft.fail(cols.ref(r, "Type"), UNSUPPORTED.get(kind) or Msg(
                "unsupported WooCommerce product type {type}",
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
    listed = [parent_attrs.get(name, (0, []))[1] for name in order]
    for name in order:
        if name in parent_attrs:
            cell = cols.ref(draft.first_row, f"Attribute {parent_attrs[name][0]} name")
        else:  # only the variations name it: point at the first one that does
            r = next(r for r in variation_rows
                     if any(a[1] == name for a in _attributes(cols, rows[r])))
            number = next(n for n, a, _v in _attributes(cols, rows[r]) if a == name)
            cell = cols.ref(r, f"Attribute {number} name")
        draft.specs.append({"name": name, "values": []})
        draft.spec_cells.append(cell)
    explicit: list[SkuDraft] = []
    wildcards: list[SkuDraft] = []
    for r in variation_rows:
        sku = _sku(cols, rows[r], r, draft, order, parent_row=parent_row, listed=listed)
        (wildcards if "" in sku.spec_values else explicit).append(sku)
    skus = _expand_any(explicit, wildcards, listed)
    # Values in the parent's order (a value only the variations name comes after), SKUs in
    # matrix order, so the specs read the way the shop listed them.
    values = []
    for i in range(len(order)):
        seen = list(dict.fromkeys(s.spec_values[i] for s in skus if s.spec_values[i]))
        values.append([v for v in listed[i] if v in seen] + [v for v in seen
                                                             if v not in listed[i]])
    if draft.failed:  # an attribute with no value anywhere is already reported on its cell
        keep = [i for i, vs in enumerate(values) if vs]
        draft.specs[:] = [draft.specs[i] for i in keep]
        draft.spec_cells[:] = [draft.spec_cells[i] for i in keep]
    else:
        skus += _sold_out_combinations(cols, parent_row, draft, skus, values)
    ranks = [{v: k for k, v in enumerate(vs)} for vs in values]
    skus.sort(key=lambda s: tuple(ranks[i].get(v, len(ranks[i]))
                                  for i, v in enumerate(s.spec_values)))
    draft.skus.extend(skus)


def _expand_any(explicit: list[SkuDraft], wildcards: list[SkuDraft],
                listed: list[list[str]]) -> list[SkuDraft]:
    """One SKU per combination an 'any' variation stands for, leaving out the ones an
    explicit variation (or an earlier 'any' one) already names, as WooCommerce matches."""
    taken = {s.spec_values for s in explicit}
    skus = list(explicit)
    for wild in wildcards:
        choices = [listed[i] if not v else [v] for i, v in enumerate(wild.spec_values)]
        combos = [c for c in itertools.product(*choices) if c not in taken]
        taken.update(combos)
        stock = wild.values.get("stock")
        code = wild.values.get("code")
        for k, combo in enumerate(combos):
            values = dict(wild.values)
            if stock is not None:  # the shared stock, split so the total stays the same
                values["stock"] = stock // len(combos) + (1 if k < stock % len(combos) else 0)
            if code and len(combos) > 1:
                extra = [v for v, w in zip(combo, wild.spec_values, strict=True) if not w]
                values["code"] = fit_code("-".join([code, *extra]))
            skus.append(SkuDraft(row=wild.row, spec_values=combo, values=values,
                                 image=wild.image, columns=dict(wild.columns)))
    return skus


def _sold_out_combinations(cols: HeaderIndex, parent_row: SourceRow, draft: ProductDraft,
                           skus: list[SkuDraft], values: list[list[str]]) -> list[SkuDraft]:
    """The combinations no variation covers, as SKUs that cannot be bought (stock 0, the
    price of the first variation sharing the most leading values, no code)."""
    present = {s.spec_values for s in skus}
    filled = []
    weight = _weight_column(cols)
    for combo in itertools.product(*values):
        if combo in present:
            continue
        sibling = max(skus, key=lambda s: next(
            (i for i, (a, b) in enumerate(zip(s.spec_values, combo, strict=True)) if a != b),
            len(combo)))
        sku = SkuDraft(row=draft.first_row, spec_values=combo, values={
            "price_fen": sibling.values.get("price_fen"),
            "original_price_fen": sibling.values.get("original_price_fen"), "code": None})
        if weight is not None:
            with contextlib.suppress(CellValueError):  # reported on the variations
                sku.values["weight_g"] = _grams(cols.text(parent_row, weight[0]), weight[1])
        filled.append(sku)
    return filled


def _sku(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft, order: list[str],
         *, parent_row: SourceRow | None, listed: list[list[str]] | None = None) -> SkuDraft:
    """A variation (or simple product) row as a SKU; an 'any' attribute stays ``""`` when
    the parent lists values for it (expanded later), else it is reported."""
    sku = SkuDraft(row=r)
    attrs = {name: (n, value) for n, name, value in _attributes(cols, row)}
    values = []
    for i, name in enumerate(order):
        n, value = attrs.get(name, (None, ""))
        sku.columns[f"spec:{i}"] = cols.column(f"Attribute {n} value(s)") if n else None
        value = split_escaped(value)[0] if split_escaped(value) else ""
        if not value and not (listed and listed[i]):
            draft.fail(sku.cell(f"spec:{i}"),
                       Msg("attribute {name} is 'any' on this variation and the parent "
                           "lists no values for it", name=name))
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
    weight = _weight_column(cols)
    if weight is not None:
        column, grams_per_unit = weight
        sku.columns["weight_g"] = cols.column(column)
        raw = cols.text(row, column)
        if not raw and parent_row is not None:
            raw = cols.text(parent_row, column)
        try:
            sku.values["weight_g"] = _grams(raw, grams_per_unit)
        except CellValueError as error:
            draft.fail(sku.cell("weight_g"), error.message)
    if parent_row is not None and cols.has("Images"):
        sku.columns["image"] = cols.column("Images")
        images = split_images(cols.text(row, "Images"))
        sku.image = images[0] if images else None
    return sku


def _weight_column(cols: HeaderIndex) -> tuple[str, Decimal] | None:
    """The weight column (named in the store's unit) and grams per unit."""
    return next(((f"Weight ({unit})", grams) for unit, grams in WEIGHT_UNITS.items()
                 if cols.has(f"Weight ({unit})")), None)


def _grams(raw: str, grams_per_unit: Decimal) -> int | None:
    if not raw:
        return None
    try:
        grams = (Decimal(raw) * grams_per_unit).quantize(Decimal(1))
    except InvalidOperation:
        raise CellValueError(Msg("not a weight")) from None
    if not grams.is_finite() or grams < 0:
        raise CellValueError(Msg("not a weight"))
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
