"""Cells for the spreadsheets mallkit writes from data other people typed.

A nickname or order remark such as ``=HYPERLINK(...)`` or ``@SUM(...)`` must not become a live
formula in the merchant's spreadsheet program. As OWASP's CSV-injection guidance says, text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``;
openpyxl then stores it as plain text (it turns any string starting with ``=`` into a formula).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767


def neutralised(value: Any) -> Any:
    """``value`` as a cell will show it and never run it; non-text values pass unchanged."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(FORMULA_PREFIXES):
        text = "'" + text
    return text[:MAX_CELL_TEXT]


def neutralised_row(values: Iterable[Any]) -> list[Any]:
    return [neutralised(value) for value in values]
