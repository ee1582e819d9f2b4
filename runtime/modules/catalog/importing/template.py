"""The downloadable product workbook: an empty ``商品`` sheet with the import columns
(required ones marked), a status drop-down, and a ``说明`` sheet that explains every
column and shows an example product spanning rows."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from runtime.modules.catalog.importing.columns import COLUMNS, SHEET_NAMES
from runtime.modules.catalog.importing.reader import MAX_ROWS

HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

EXAMPLE = (
    {"product_code": "DRESS-001", "title": "法式碎花连衣裙", "subtitle": "夏季新款",
     "category": "女装 > 连衣裙", "tags": "新品, 夏季", "status": "上架", "unit": "件",
     "images": "https://img.example.com/dress-1.jpg\nhttps://img.example.com/dress-2.jpg",
     "description": "<p>100% 棉</p>", "spec1_name": "颜色", "spec1_value": "红色",
     "spec2_name": "尺码", "spec2_value": "S", "sku_code": "DRESS-001-R-S", "price": "159.00",
     "original_price": "199.00", "stock": 20, "weight_g": 300},
    {"product_code": "DRESS-001", "spec1_value": "红色", "spec2_value": "M",
     "sku_code": "DRESS-001-R-M", "price": "159.00", "original_price": "199.00", "stock": 15},
    {"product_code": "DRESS-001", "spec1_value": "蓝色", "spec2_value": "S",
     "sku_code": "DRESS-001-B-S", "price": "169.00", "stock": 8},
    {"product_code": "DRESS-001", "spec1_value": "蓝色", "spec2_value": "M",
     "sku_code": "DRESS-001-B-M", "price": "169.00", "stock": 0},
    {"product_code": "MUG-01", "title": "陶瓷马克杯", "category": "家居", "status": "草稿",
     "sku_code": "MUG-01", "price": "39.90", "stock": 100},
)

NOTES = {
    "zh": ("每行一个 SKU；一个商品的多个规格占多行，填写相同的商品编码（后续行的商品信息可留空）。",
           "没有规格的商品只占一行。每个规格组合都需要一行，例如 颜色 2 种 × 尺码 2 种 = 4 行。",
           "金额以元为单位，最多两位小数；不接受公式，请粘贴为数值。",
           "同一商品全部行都通过检查才会导入；有错误的商品会列在错误报告中，修改后可直接导入报告文件。",
           "再次导入同一文件会按商品编码 / SKU 编码更新已有商品，不会重复创建。"),
    "en": ("One row per SKU; a product with variants spans several rows with the same product "
           "code (its product cells may be blank on the later rows).",
           "A product without variants takes one row. Every combination needs a row, e.g. "
           "2 colours × 2 sizes = 4 rows.",
           "Amounts are in yuan with at most 2 decimals; formulas are refused, paste values.",
           "A product is imported only when all its rows pass; failed products are listed in "
           "the error report, which can be fixed and imported as it is.",
           "Importing the same file again updates the products (by product code / SKU code) "
           "instead of creating them twice."),
}


def template_bytes(locale: str = "zh") -> bytes:
    locale = "en" if locale == "en" else "zh"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAMES[0] if locale == "zh" else SHEET_NAMES[1]
    for i, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i, value=column.header(locale))
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        help_text = column.help_zh if locale == "zh" else column.help_en
        if help_text:
            cell.comment = Comment(help_text, "mallkit", width=320, height=120)
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    status_column = get_column_letter([c.key for c in COLUMNS].index("status") + 1)
    choices = "上架,下架,草稿" if locale == "zh" else "on_sale,off_shelf,draft"
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    validation.add(f"{status_column}2:{status_column}{MAX_ROWS}")
    sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明" if locale == "zh" else "Help")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for line in NOTES[locale]:
        notes.append([line])
    notes.append([])
    header = ("列", "必填", "说明") if locale == "zh" else ("Column", "Required", "Notes")
    notes.append(list(header))
    for cell in notes[notes.max_row]:
        cell.font = HEADER_FONT
    for column in COLUMNS:
        notes.append([column.header(locale), ("是" if locale == "zh" else "yes")
                      if column.required else "",
                      column.help_zh if locale == "zh" else column.help_en])
        notes.cell(row=notes.max_row, column=3).alignment = WRAP
    notes.append([])
    notes.append(["示例" if locale == "zh" else "Example"])
    notes.append([c.header(locale) for c in COLUMNS])
    for cell in notes[notes.max_row]:
        cell.font = HEADER_FONT
    for example in EXAMPLE:
        notes.append([example.get(c.key) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
