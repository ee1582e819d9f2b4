"""The error report: the rows of every product that was not imported, as they were in the
file, each bad cell filled red with its reason as a comment, and a last column listing the
reasons of the row. Fix the cells and import the report itself: the extra column is
ignored and the products that did go in are not in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from runtime.modules.catalog.importing.columns import REPORT_COLUMN, SHEET_NAMES
from runtime.modules.catalog.importing.drafts import ParsedFile, Problem, ProductDraft
from runtime.modules.catalog.importing.messages import Msg, render
from runtime.modules.catalog.importing.models import SourceFormat

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")
BAD_FONT = Font(color="9C0006")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_COMMENT = 1000
MAX_CELL_TEXT = 32767


def write_report(path: Path, parsed: ParsedFile, failed: Iterable[ProductDraft],
                 locale: str) -> int:
    """Write the report to ``path`` (atomically); returns the number of rows in it."""
    problems: dict[int, list[Problem]] = defaultdict(list)
    rows: set[int] = set()
    for draft in failed:
        rows.update(draft.rows)
        for problem in draft.problems:
            problems[problem.cell.row].append(problem)
    for problem in parsed.stray_problems:
        rows.add(problem.cell.row)
        problems[problem.cell.row].append(problem)

    workbook = Workbook(write_only=True)
    title = SHEET_NAMES[0] if parsed.format in (SourceFormat.MALLKIT, None) else "Products"
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    width = len(parsed.headers)
    for column in range(width):
        sheet.column_dimensions[_letter(column)].width = 16
    sheet.column_dimensions[_letter(width)].width = 60
    header = [_cell(sheet, h, font=HEADER_FONT) for h in parsed.headers]
    header.append(_cell(sheet, REPORT_COLUMN.get(locale, REPORT_COLUMN["en"]),
                        font=HEADER_FONT))
    sheet.append(header)
    fallback = Msg("not imported: another row of this product has an error")
    for index in sorted(rows):
        source = parsed.rows[index]
        by_column: dict[int | None, list[str]] = defaultdict(list)
        for problem in problems.get(index, []):
            message = render(problem.message, locale)
            if message not in by_column[problem.cell.column]:
                by_column[problem.cell.column].append(message)
        cells = []
        for column in range(width):
            value = source.get(column)
            reasons = by_column.get(column)
            if reasons:
                cell = _cell(sheet, value, fill=BAD_FILL, font=BAD_FONT)
                cell.comment = Comment("\n".join(reasons)[:MAX_COMMENT], "mallkit")
            else:
                cell = _cell(sheet, value)
            cells.append(cell)
        summary = []
        for column, reasons in by_column.items():
            label = (parsed.headers[column] if column is not None and column < width
                     else None)
            summary += [f"{label}: {r}" if label else r for r in reasons]
        if not summary:
            summary = [render(fallback, locale)]
        cells.append(_cell(sheet, "\n".join(summary), alignment=WRAP))
        cells[-1].data_type = "s"
        sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.replace(path)
    return len(rows)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell(sheet: Worksheet, value: Any, **styles: Any) -> WriteOnlyCell:
    """A cell that keeps text as text: a value starting with ``=`` is never a formula."""
    cell = WriteOnlyCell(sheet, value=_plain(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def _plain(value: Any) -> Any:
    """A value a cell can hold: control characters dropped, text within Excel's limit."""
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
