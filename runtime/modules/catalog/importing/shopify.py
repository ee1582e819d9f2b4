"""Shopify's product CSV (Products > Export) read into product drafts.

Rows with the same ``Handle`` are one product: the first carries the product (Title, Body
(HTML), Type, Tags, Status or Published, the option names), variant rows carry
``Option1..3 Value`` and the ``Variant *`` columns, and image rows carry ``Image Src`` /
``Image Position``. The mapping:

- Handle -> product code (fitted into 64 characters), Title, Body (HTML) -> description;
- Type (else the first three levels of Product Category) -> category, created if missing;
- Tags -> tags; Status active/draft/archived (or Published) -> on sale/draft/off shelf;
- Option names and values -> specs; the single option ``Title: Default Title`` means none;
- Variant SKU, Price, Compare At Price (kept only when above the price, as Shopify shows
  it), Cost per item, Inventory Qty (below zero, oversold, counts as 0), Barcode, Grams
  (0 means not set) and Variant Image -> the SKU;
- Image Src ordered by Image Position -> product images (URLs, copied in the background).
"""

from __future__ import annotations

from typing import Any

from runtime.modules.catalog.importing.drafts import (
    MAX_STOCK,
    MAX_WEIGHT_G,
    CellRef,
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
    split_list,
    text,
    whole,
)
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.models import SourceFormat
from runtime.modules.catalog.importing.reader import Table

REQUIRED = ("Handle", "Title", "Variant Price")
VARIANT_MARKERS = ("Option1 Value", "Option2 Value", "Option3 Value", "Variant SKU",
                   "Variant Price", "Variant Inventory Qty", "Variant Compare At Price")
STATUS = {"active": "on_sale", "draft": "draft", "archived": "off_shelf"}
TRUE = {"true", "1", "yes"}
MAX_TEXT = {"title": 120}


def is_shopify(headers: list[str]) -> bool:
    names = {h.strip().lower() for h in headers}
    return "handle" in names and ("variant price" in names or "option1 name" in names)


def parse(table: Table) -> ParsedFile:
    parsed = ParsedFile(SourceFormat.SHOPIFY, table.headers, table.rows)
    cols = HeaderIndex(table.headers)
    missing = [name for name in REQUIRED if not cols.has(name)]
    if missing:
        parsed.error = Msg("missing column(s): {columns}", columns=", ".join(missing))
        return parsed
    groups: dict[str, ProductDraft] = {}
    for r, row in enumerate(table.rows):
        handle = cols.text(row, "Handle")
        if not handle:
            parsed.stray_problems.append(Problem(cols.ref(r, "Handle"), Msg("is required")))
            continue
        draft = groups.get(handle)
        if draft is None:
            draft = groups[handle] = ProductDraft(rows=[], code=fit_code(handle))
            draft.cells["code"] = cols.ref(r, "Handle")
            parsed.products.append(draft)
        draft.rows.append(r)
    for draft in parsed.products:
        _product(cols, table.rows, draft)
    return parsed


def _product(cols: HeaderIndex, rows: list[SourceRow], draft: ProductDraft) -> None:
    first = draft.first_row
    row = rows[first]
    title = cols.text(row, "Title")
    draft.cells["title"] = cols.ref(first, "Title")
    if len(title) > MAX_TEXT["title"]:
        draft.fail(draft.cells["title"], Msg("at most {limit} characters", limit=120))
    elif title:
        draft.fields["title"] = title
    if cols.has("Body (HTML)"):
        draft.cells["description_html"] = cols.ref(first, "Body (HTML)")
        draft.fields["description_html"] = cols.text(row, "Body (HTML)")
    if cols.has("Tags"):
        draft.cells["tags"] = cols.ref(first, "Tags")
        draft.fields["tags"] = split_list(cols.text(row, "Tags"), ",，")
    _status(cols, row, first, draft)
    _category(cols, row, first, draft)
    names = _option_names(cols, rows, draft)
    variants = [r for r in draft.rows if any(cols.text(rows[r], c) for c in VARIANT_MARKERS
                                             if cols.has(c))]
    if not variants:
        draft.fail(cols.ref(first, "Variant Price"), Msg("is required"))
    for r in variants:
        draft.skus.append(_variant(cols, rows[r], r, draft, names))
    _images(cols, rows, draft)


def _status(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft) -> None:
    if cols.has("Status") and cols.text(row, "Status"):
        value = cols.text(row, "Status").lower()
        draft.cells["status"] = cols.ref(r, "Status")
        if value in STATUS:
            draft.fields["status"] = STATUS[value]
        else:
            draft.fail(draft.cells["status"], Msg("unknown status {value}; use 上架, 下架 or 草稿",
                                                  value=value[:20]))
    elif cols.has("Published") and cols.text(row, "Published"):
        draft.cells["status"] = cols.ref(r, "Published")
        published = cols.text(row, "Published").lower() in TRUE
        draft.fields["status"] = "on_sale" if published else "draft"


def _category(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft) -> None:
    kind = cols.text(row, "Type") if cols.has("Type") else ""
    if kind:
        draft.cells["category_id"] = cols.ref(r, "Type")
        draft.category = [kind]
        return
    taxonomy = cols.text(row, "Product Category") if cols.has("Product Category") else ""
    if taxonomy and not taxonomy.lower().startswith("gid:"):
        draft.cells["category_id"] = cols.ref(r, "Product Category")
        draft.category = category_path(taxonomy)[:3]


def _option_names(cols: HeaderIndex, rows: list[SourceRow], draft: ProductDraft
                  ) -> list[tuple[int, str]]:
    """``(option number, name)`` of the options that are specs (not the default Title)."""
    names: list[tuple[int, str]] = []
    first = draft.first_row
    for n in (1, 2, 3):
        column = f"Option{n} Name"
        if not cols.has(column):
            continue
        name = cols.text(rows[first], column)
        for r in draft.rows[1:]:
            other = cols.text(rows[r], column)
            if other and name and other != name:
                draft.fail(cols.ref(r, column), Msg("differs from the first row of this "
                                                    "product ({first})", first=name))
        if not name:
            continue
        values = {cols.text(rows[r], f"Option{n} Value") for r in draft.rows} - {""}
        if n == 1 and name.lower() == "title" and values <= {"Default Title"}:
            continue
        names.append((n, name))
        draft.specs.append({"name": name, "values": []})
        draft.spec_cells.append(cols.ref(first, column))
    return names


def _variant(cols: HeaderIndex, row: SourceRow, r: int, draft: ProductDraft,
             names: list[tuple[int, str]]) -> SkuDraft:
    sku = SkuDraft(row=r)
    values = []
    for i, (n, _name) in enumerate(names):
        column = f"Option{n} Value"
        value = cols.text(row, column)
        sku.columns[f"spec:{i}"] = cols.column(column)
        if not value:
            draft.fail(sku.cell(f"spec:{i}"), Msg("is required"))
        values.append(value)
    for n in (1, 2, 3):
        if n not in [number for number, _ in names] and cols.has(f"Option{n} Value"):
            value = cols.text(row, f"Option{n} Value")
            if value and not (n == 1 and value == "Default Title"):
                draft.fail(cols.ref(r, f"Option{n} Value"),
                           Msg("give the spec a name in {column}", column=f"Option{n} Name"))
    sku.spec_values = tuple(values)
    price = _money(cols, row, r, "Variant Price", sku, "price_fen", draft)
    if "price_fen" in sku.values and price is None:  # blank (a bad value is reported)
        draft.fail(sku.cell("price_fen"), Msg("is required"))
    compare = _money(cols, row, r, "Variant Compare At Price", sku, "original_price_fen",
                     draft)
    if compare is not None and price is not None and compare <= price:
        sku.values["original_price_fen"] = None
    _money(cols, row, r, "Cost per item", sku, "cost_fen", draft)
    if cols.has("Variant Inventory Qty"):
        sku.columns["stock"] = cols.column("Variant Inventory Qty")
        try:
            stock = whole(cols.value(row, "Variant Inventory Qty"), maximum=MAX_STOCK,
                          minimum=-MAX_STOCK)
        except CellValueError as error:
            draft.fail(sku.cell("stock"), error.message)
        else:
            if stock is not None:
                sku.values["stock"] = max(stock, 0)
    if cols.has("Variant Grams"):
        sku.columns["weight_g"] = cols.column("Variant Grams")
        try:
            grams = whole(_grams(cols.value(row, "Variant Grams")), maximum=MAX_WEIGHT_G)
        except CellValueError as error:
            draft.fail(sku.cell("weight_g"), error.message)
        else:
            sku.values["weight_g"] = grams or None
    for column, name in (("Variant SKU", "code"), ("Variant Barcode", "barcode")):
        if cols.has(column):
            sku.columns[name] = cols.column(column)
            value = cols.text(row, column)
            if len(value) > 64:
                draft.fail(sku.cell(name), Msg("at most {limit} characters", limit=64))
            else:
                sku.values[name] = value or None
    if cols.has("Variant Image"):
        sku.columns["image"] = cols.column("Variant Image")
        sku.image = cols.text(row, "Variant Image") or None
    return sku


def _grams(value: Any) -> Any:
    """Shopify writes grams as ``200`` or ``200.0``; a fraction of a gram is rounded."""
    if isinstance(value, str) and "." in value:
        try:
            return round(float(value))
        except ValueError:
            return value
    if isinstance(value, float):
        return round(value)
    return value


def _money(cols: HeaderIndex, row: SourceRow, r: int, column: str, sku: SkuDraft, name: str,
           draft: ProductDraft) -> int | None:
    if not cols.has(column):
        return None
    sku.columns[name] = cols.column(column)
    try:
        value = money_fen(cols.value(row, column))
    except CellValueError as error:
        draft.fail(sku.cell(name), error.message)
        return None
    sku.values[name] = value
    return value


def _images(cols: HeaderIndex, rows: list[SourceRow], draft: ProductDraft) -> None:
    if not cols.has("Image Src"):
        return
    found: list[tuple[int, int, str, CellRef]] = []
    for order, r in enumerate(draft.rows):
        src = cols.text(rows[r], "Image Src")
        if not src:
            continue
        position = text(cols.value(rows[r], "Image Position")) if cols.has(
            "Image Position") else ""
        rank = int(position) if position.isdigit() else 1_000_000 + order
        found.append((rank, order, src, cols.ref(r, "Image Src")))
    seen: set[str] = set()
    draft.images = []
    for _rank, _order, src, ref in sorted(found):
        if src not in seen:
            seen.add(src)
            draft.images.append((src, ref))
    draft.cells["images"] = found[0][3] if found else cols.ref(draft.first_row, "Image Src")
