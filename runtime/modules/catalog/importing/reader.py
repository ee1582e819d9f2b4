"""Reading a source file into a header row and data rows, with limits.

Workbooks: openpyxl reads the parts around the sheet (the sheet list, shared strings, the
number formats that make a number a date) as its read-only mode does, with formulas kept
(``data_only=False``); the sheet's rows are then streamed with ElementTree's
``iterparse``, one ``<row>`` at a time. openpyxl's read-only cells cost several times more
per cell (and a sheet without a declared size is parsed twice), which was most of a
30 000-row import. A cell with a formula is reported as one (``=...``) and refused later.
CSV is decoded as UTF-8 (with or without BOM) or GB18030, what Excel on a Chinese system
writes.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.datetime import from_excel

from runtime.modules.catalog.importing.columns import SHEET_NAMES
from runtime.modules.catalog.importing.drafts import SourceRow, is_blank, text
from runtime.modules.catalog.importing.messages import Msg

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CSV_FIELD = 2 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class FileUnreadable(Exception):
    """The file as a whole cannot be read; ``message`` says why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.text)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    rows: list[SourceRow] = field(default_factory=list)


def looks_like_xlsx(head: bytes) -> bool:
    return head.startswith(XLSX_MAGIC)


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise FileUnreadable(Msg("the file is empty"))
    if size > MAX_FILE_BYTES:
        raise FileUnreadable(Msg("the file is larger than {limit} MB",
                                 limit=MAX_FILE_BYTES // (1024 * 1024)))


def _headers(values: list[object]) -> list[str]:
    headers = [text(v) for v in values[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def read_xlsx(path: Path) -> Table:
    """The product sheet (``商品``/``Products``, else the first) of a workbook."""
    _check_size(path)
    not_xlsx = FileUnreadable(
        Msg("not a readable .xlsx workbook (save it from Excel or WPS as .xlsx)"))
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_xlsx from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileUnreadable(Msg("the workbook unpacks to more than {limit} MB",
                                 limit=MAX_UNPACKED_BYTES // (1024 * 1024)))
    try:
        reader = ExcelReader(str(path), read_only=True, data_only=False)
    except Exception:  # not a workbook at all
        log.info("unreadable workbook %s", path, exc_info=True)
        raise not_xlsx from None
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
        if not sheets:
            raise not_xlsx
        names = dict(sheets)
        target = next((names[n] for n in SHEET_NAMES if n in names), sheets[0][1])
        with reader.archive.open(target) as source:
            return _table(_sheet_rows(source, reader.shared_strings,
                                      reader.wb._date_formats, reader.wb.epoch))
    except FileUnreadable:
        raise
    except Exception:  # a damaged or foreign workbook: openpyxl raises many kinds
        log.info("unreadable workbook %s", path, exc_info=True)
        raise not_xlsx from None
    finally:
        reader.archive.close()


def _column_index(ref: str) -> int:
    number = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            number = number * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            number = number * 26 + ord(ch) - 96
        else:
            break
    return number - 1


def _cell_value(kind: str, raw: str | None, style: int, shared: list[Any],
                date_styles: set[int], epoch: Any) -> Any:
    if raw is None:
        return None
    if kind == "n":
        number: Any = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        if style in date_styles:
            return from_excel(number, epoch)
        return number
    if kind == "s":
        return shared[int(raw)]
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        return datetime.fromisoformat(raw)
    return raw  # "str" (a formula's text result), "e" (an error such as #N/A)


def _sheet_rows(source: IO[bytes], shared: list[Any], date_styles: set[int], epoch: Any
                ) -> Iterator[tuple[int, list[Any], frozenset[int]]]:
    """``(row number, values, formula columns)`` of every row, streamed: each ``<row>`` is
    emptied once read, so memory stays flat however long the sheet is."""
    ns = ""
    row_tag = cell_tag = value_tag = formula_tag = inline_tag = text_tag = run_tag = ""
    number = 0
    for _event, element in iterparse(source, events=("end",)):
        tag = element.tag
        if tag != row_tag:
            if not ns and tag.endswith("}row"):
                ns = tag[:-3]  # the first row tells the namespace (transitional or strict)
                row_tag, cell_tag, value_tag = f"{ns}row", f"{ns}c", f"{ns}v"
                formula_tag, inline_tag, text_tag = f"{ns}f", f"{ns}is", f"{ns}t"
                run_tag = f"{ns}r"
            if tag != row_tag:
                continue
        ref = element.get("r")
        number = int(ref) if ref else number + 1
        values: list[Any] = []
        formulas: set[int] = set()
        next_column = 0
        for cell in element:
            if cell.tag != cell_tag:
                continue
            cell_ref = cell.get("r")
            column = _column_index(cell_ref) if cell_ref else next_column
            next_column = column + 1
            if not 0 <= column < MAX_COLUMNS:
                continue
            kind = cell.get("t", "n")
            raw = formula = inline = None
            for child in cell:
                child_tag = child.tag
                if child_tag == value_tag:
                    raw = child.text
                elif child_tag == formula_tag:
                    formula = child.text or ""
                elif child_tag == inline_tag:
                    parts = []
                    for part in child:  # plain text and rich-text runs; not phonetic guides
                        if part.tag == text_tag:
                            parts.append(part.text or "")
                        elif part.tag == run_tag:
                            parts += [t.text or "" for t in part if t.tag == text_tag]
                    inline = "".join(parts)
            if formula is not None:
                formulas.add(column)
                value: Any = f"={formula}" if formula else raw
            elif kind == "inlineStr":
                value = inline
            else:
                value = _cell_value(kind, raw, int(cell.get("s") or 0), shared, date_styles,
                                    epoch)
            if column >= len(values):
                values.extend([None] * (column + 1 - len(values)))
            values[column] = value
        element.clear()
        yield number, values, frozenset(formulas)


def _table(rows: Iterator[tuple[int, list[Any], frozenset[int]]]) -> Table:
    table: Table | None = None
    width = 0
    for number, values, formulas in rows:
        if table is None:
            if all(is_blank(v) for v in values):
                continue
            table = Table(_headers(values))
            width = len(table.headers)
            continue
        values = values[:width]
        formulas = frozenset(c for c in formulas if c < width)
        if not formulas and all(is_blank(v) for v in values):
            continue
        values.extend([None] * (width - len(values)))
        table.rows.append(SourceRow(number, tuple(values), formulas))
        if len(table.rows) > MAX_ROWS:
            raise FileUnreadable(Msg("the file has more than {limit} rows; split it into "
                                     "several files", limit=MAX_ROWS))
    if table is None or not table.headers:
        raise FileUnreadable(Msg("the file has no header row"))
    return table


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in decoded:
            break
        return decoded
    raise FileUnreadable(Msg("the file is not UTF-8 or GB18030 text"))


def read_csv(path: Path) -> Table:
    _check_size(path)
    content = decode_text(path.read_bytes())
    reader = csv.reader(io.StringIO(content, newline=""))
    previous_limit = csv.field_size_limit(MAX_CSV_FIELD)
    try:
        return _csv_table(reader)
    except csv.Error:
        raise FileUnreadable(Msg("not a readable CSV file")) from None
    finally:
        csv.field_size_limit(previous_limit)


def _csv_table(reader: object) -> Table:
    table: Table | None = None
    width = 0
    last_line = 0
    for record in reader:  # type: ignore[attr-defined]
        number, last_line = last_line + 1, reader.line_num  # type: ignore[attr-defined]
        if table is None:
            if all(is_blank(v) for v in record):
                continue
            table = Table(_headers(record))
            width = len(table.headers)
            continue
        values = [v if v != "" else None for v in record[:width]]
        if all(is_blank(v) for v in values):
            continue
        values.extend([None] * (width - len(values)))
        table.rows.append(SourceRow(number, tuple(values)))
        if len(table.rows) > MAX_ROWS:
            raise FileUnreadable(Msg("the file has more than {limit} rows; split it into "
                                     "several files", limit=MAX_ROWS))
    if table is None or not table.headers:
        raise FileUnreadable(Msg("the file has no header row"))
    return table
