"""Which format a file is, from its bytes and its header row (not from its name alone)."""

from __future__ import annotations

from pathlib import Path

from runtime.modules.catalog.importing import shopify, woocommerce
from runtime.modules.catalog.importing.columns import is_template_header
from runtime.modules.catalog.importing.drafts import ParsedFile
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.models import SourceFormat
from runtime.modules.catalog.importing.reader import (
    FileUnreadable,
    Table,
    looks_like_xlsx,
    read_csv,
    read_xlsx,
)
from runtime.modules.catalog.importing.sheet import parse_template

UNKNOWN = Msg("unknown file format: expected the mallkit .xlsx template, a Shopify product "
              "CSV or a WooCommerce product CSV")


def detect_format(headers: list[str]) -> SourceFormat | None:
    if shopify.is_shopify(headers):
        return SourceFormat.SHOPIFY
    if woocommerce.is_woocommerce(headers):
        return SourceFormat.WOOCOMMERCE
    if is_template_header(list(headers)):
        return SourceFormat.MALLKIT
    return None


def read_table(path: Path, extension: str = "") -> Table:
    """The file's header and rows: a workbook when it is one (or claims to be), else CSV."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if looks_like_xlsx(head) or extension.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return read_csv(path)


def parse_file(path: Path, *, extension: str = "", declared: str | None = None) -> ParsedFile:
    """Read and parse a file; ``declared`` (a :class:`SourceFormat` value) skips detection
    but must still match the header row's format family."""
    try:
        table = read_table(path, extension)
    except FileUnreadable as error:
        return ParsedFile(None, error=error.message)
    found = detect_format(table.headers)
    fmt = SourceFormat(declared) if declared else found
    if fmt is None:
        return ParsedFile(None, table.headers, table.rows, error=UNKNOWN)
    if fmt == SourceFormat.SHOPIFY:
        return shopify.parse(table)
    if fmt == SourceFormat.WOOCOMMERCE:
        return woocommerce.parse(table)
    return parse_template(table)
