"""The workbook reader: shared and inline strings, rich text, numbers, dates (by their number
format), booleans, errors, formulas, sparse rows and columns, the product sheet picked by
name; and CSV in UTF-8 (with BOM) or GB18030."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from runtime.modules.catalog.importing.reader import read_csv, read_xlsx


def _save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def test_cell_types_are_read_like_excel_shows_them(tmp_path):
    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    notes.append(["this sheet is not the product sheet"])
    sheet = workbook.create_sheet("商品")
    sheet.append(["名称", "价格", "日期", "布尔", "错误"])
    sheet.append(["共享字符串", 12.9, datetime(2024, 5, 1, 8, 30), True, "#N/A"])
    sheet["E2"].data_type = "e"
    sheet["A3"] = CellRichText(["粗", TextBlock(InlineFont(b=True), "体")])
    sheet["B3"] = 7
    sheet["C3"] = "=B3*2"
    sheet["E5"] = "稀疏"  # rows 4 and 5 partly empty, row 4 skipped
    table = read_xlsx(_save(workbook, tmp_path / "t.xlsx"))
    assert table.headers == ["名称", "价格", "日期", "布尔", "错误"]
    first, second, third = table.rows
    assert (first.number, first.values) == (2, ("共享字符串", 12.9, datetime(2024, 5, 1, 8, 30),
                                               True, "#N/A"))
    assert (second.number, second.values[:3], second.formulas) == (3, ("粗体", 7, "=B3*2"),
                                                                   frozenset({2}))
    assert (third.number, third.values) == (5, (None, None, None, None, "稀疏"))


def test_write_only_workbooks_use_inline_strings(tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Products")
    sheet.append(["Title", "Price"])
    sheet.append(["inline", "12.90"])
    table = read_xlsx(_save(workbook, tmp_path / "w.xlsx"))
    assert [r.values for r in table.rows] == [("inline", "12.90")]


def test_csv_encodings(tmp_path):
    utf8 = tmp_path / "u.csv"
    utf8.write_bytes("\ufeff名称,价格\n\"多行\n文字\",1\n".encode())
    table = read_csv(utf8)
    assert table.headers == ["名称", "价格"]
    assert [(r.number, r.values) for r in table.rows] == [(2, ("多行\n文字", "1"))]
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("名称,价格\n连衣裙,99\n".encode("gb18030"))
    assert [r.values for r in read_csv(gbk).rows] == [("连衣裙", "99")]
