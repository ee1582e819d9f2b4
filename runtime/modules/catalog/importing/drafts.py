"""What every source format is read into: rows as they were in the file, and product
drafts built from them, with each problem tied to the cell it came from.

A draft keeps only what its file said; fields the file does not have are left out, so an
update changes nothing else. Money is parsed to integer fen here, exactly (``Decimal``).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.models import SourceFormat
from runtime.money import TOO_LARGE, AmountError, parse_yuan

MAX_STOCK = 100_000_000
MAX_WEIGHT_G = 1_000_000
_WHOLE = re.compile(r"^[+]?\d+(?:\.0+)?$")


@dataclass(frozen=True, slots=True)
class CellRef:
    """A cell of the source: ``row`` indexes :attr:`ParsedFile.rows`, ``column`` its
    headers (None: the row as a whole)."""

    row: int
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    cell: CellRef
    message: Msg


@dataclass(slots=True)
class SourceRow:
    """One row as read, kept for the error report. ``number`` is its line in the file."""

    number: int
    values: tuple[Any, ...]
    formulas: frozenset[int] = frozenset()

    def get(self, column: int | None) -> Any:
        if column is None or column >= len(self.values):
            return None
        return self.values[column]


@dataclass(slots=True)
class SkuDraft:
    """One SKU row. ``columns`` maps a field (``price_fen``, ``spec:0``...) to the column it
    was read from; the rows of a template product share one such map."""

    row: int
    spec_values: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    image: str | None = None
    columns: dict[str, int | None] = field(default_factory=dict)

    def cell(self, name: str) -> CellRef:
        return CellRef(self.row, self.columns.get(name))

    def has(self, name: str) -> bool:
        return name in self.columns


@dataclass(slots=True)
class ProductDraft:
    """One product to create or update. ``fields`` holds catalog fields the file gives
    (title, subtitle, description_html, unit, status, tags); ``category`` is a path of names
    (``[]``: none); ``images`` are URLs or ``media:<id>`` with their cells."""

    rows: list[int]
    code: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    category: list[str] | None = None
    images: list[tuple[str, CellRef]] | None = None
    specs: list[dict[str, Any]] = field(default_factory=list)
    spec_cells: list[CellRef] = field(default_factory=list)
    skus: list[SkuDraft] = field(default_factory=list)
    cells: dict[str, CellRef] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return self.rows[0]

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    @property
    def label(self) -> str:
        return self.code or str(self.fields.get("title") or "")

    def fail(self, cell: CellRef | None, message: Msg) -> None:
        self.problems.append(Problem(cell or CellRef(self.first_row), message))

    def cell(self, name: str) -> CellRef:
        return self.cells.get(name, CellRef(self.first_row))


@dataclass
class ParsedFile:
    """A source file read into drafts; ``error`` is set when the file cannot be used at all."""

    format: SourceFormat | None
    headers: list[str] = field(default_factory=list)
    rows: list[SourceRow] = field(default_factory=list)
    products: list[ProductDraft] = field(default_factory=list)
    error: Msg | None = None
    stray_problems: list[Problem] = field(default_factory=list)


class CellValueError(ValueError):
    """A cell whose value cannot be used; carries the message for the report."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text)
        self.message = message


# --- cell values ------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: numbers typed into code cells keep their digits (``1001``, not
    ``1001.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def money_fen(value: Any) -> int | None:
    """A price in yuan with at most two decimals (``12.90``, ``¥1,299``) as integer fen;
    blank is None. Anything else raises :class:`CellValueError`."""
    if is_blank(value):
        return None
    try:
        return parse_yuan(value)
    except AmountError as exc:
        if exc.template == TOO_LARGE:
            raise CellValueError(Msg("at most {limit} yuan", **exc.params)) from None
        raise CellValueError(Msg("not a price in yuan with at most 2 decimals, e.g. 12.90")
                             ) from None


def whole(value: Any, *, maximum: int, minimum: int = 0) -> int | None:
    """A whole number (``5``, ``5.0``); blank is None."""
    if is_blank(value):
        return None
    bad = CellValueError(Msg("not a whole number"))
    if isinstance(value, bool):
        raise bad
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise bad
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        raw = value.strip().replace(",", "")
        negative = raw.startswith("-")
        if negative:
            raw = raw[1:]
        if not _WHOLE.match(raw):
            raise bad
        number = int(Decimal(raw)) * (-1 if negative else 1)
    else:
        raise bad
    if number < minimum:
        raise CellValueError(Msg("must be at least {minimum}", minimum=minimum))
    if number > maximum:
        raise CellValueError(Msg("must be at most {maximum}", maximum=maximum))
    return number


def split_list(value: str, separators: str = ",，;；\n") -> list[str]:
    """Items of a list cell (tags, image URLs), blanks dropped, order kept."""
    items = [value]
    for sep in separators:
        items = [part for item in items for part in item.split(sep)]
    return [item.strip() for item in items if item.strip()]


def category_path(value: str) -> list[str]:
    """``女装 > 连衣裙`` (``>`` or ``＞``) as a list of names."""
    raw = value.replace("＞", ">")
    return [part.strip() for part in raw.split(">") if part.strip()]


MAX_CODE = 64


def fit_code(value: str) -> str:
    """A code from another platform (a Shopify handle...) fitted into 64 characters; a
    longer one keeps its start and gains a short hash, so a re-import finds it again."""
    if len(value) <= MAX_CODE:
        return value
    digest = hashlib.sha1(value.encode()).hexdigest()[:8]
    return f"{value[:MAX_CODE - 9]}-{digest}"


class HeaderIndex:
    """Cells of a row by header name (case-insensitive; the first such column wins), for
    the fixed column sets of other platforms' exports."""

    def __init__(self, headers: list[str]) -> None:
        self.columns: dict[str, int] = {}
        for i, header in enumerate(headers):
            self.columns.setdefault(header.strip().lower(), i)

    def has(self, name: str) -> bool:
        return name.lower() in self.columns

    def column(self, name: str) -> int | None:
        return self.columns.get(name.lower())

    def ref(self, row: int, name: str) -> CellRef:
        return CellRef(row, self.column(name))

    def value(self, row: SourceRow, name: str) -> Any:
        return row.get(self.column(name))

    def text(self, row: SourceRow, name: str) -> str:
        return text(self.value(row, name))
