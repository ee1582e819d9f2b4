"""The columns of the mallkit product workbook (template, import, export and error report).

One row per SKU; the rows of a product share its product code (or follow its first row).
Headers are matched in Chinese or English, ignoring case, spaces, ``*`` and the width of
brackets, so a re-saved or translated sheet still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    level: str  # "product": read from the product's first row; "sku": per row
    width: int = 14
    required: bool = False
    help_zh: str = ""
    help_en: str = ""

    def header(self, locale: str = "zh") -> str:
        return self.zh if locale == "zh" else self.en


COLUMNS: tuple[Column, ...] = (
    Column("product_code", "商品编码", "Product code", "product", 16,
           help_zh="同一商品的各行填写相同编码；再次导入时按编码更新商品。可留空"
                   "（则按 SKU 编码匹配，都没有时新建）",
           help_en="Same code on every row of a product; a re-import updates the product with "
                   "this code. Optional (then SKU codes match, else a new product)"),
    Column("title", "商品名称", "Title", "product", 30, required=True,
           help_zh="新商品必填，最多 120 字；同一商品的后续行可留空",
           help_en="Required for a new product, at most 120 characters; may be blank on the "
                   "product's later rows"),
    Column("subtitle", "副标题", "Subtitle", "product", 24, help_zh="最多 200 字",
           help_en="At most 200 characters"),
    Column("category", "分类", "Category", "product", 20,
           help_zh="已有分类的路径，例如：女装 > 连衣裙",
           help_en="The path of an existing category, e.g. Women > Dresses"),
    Column("tags", "标签", "Tags", "product", 18, help_zh="用逗号分隔，最多 30 个",
           help_en="Separated by commas, at most 30"),
    Column("status", "状态", "Status", "product", 10,
           help_zh="上架 / 下架 / 草稿；新商品留空为草稿", help_en="on_sale / off_shelf / draft "
           "(上架 / 下架 / 草稿); blank: draft for a new product"),
    Column("unit", "单位", "Unit", "product", 8, help_zh="例如 件、盒；新商品留空为 件",
           help_en="e.g. 件 or 盒; blank: 件 for a new product"),
    Column("images", "商品图片", "Images", "product", 40,
           help_zh="图片网址（http/https），多张用换行或逗号分隔，第一张为封面，最多 15 张；"
                   "media:编号 表示素材库中的图片。网址图片会在后台复制到素材库",
           help_en="Image URLs (http/https), separated by new lines or commas, the first is the "
                   "cover, at most 15; media:<id> names a media library image. URLs are copied "
                   "into the media library in the background"),
    Column("description", "商品详情", "Description (HTML)", "product", 30,
           help_zh="HTML 图文详情", help_en="Rich text as HTML"),
    Column("spec1_name", "规格1名称", "Option 1 name", "sku", 10,
           help_zh="例如 颜色；无规格的商品留空", help_en="e.g. Colour; blank for a product "
           "without variants"),
    Column("spec1_value", "规格1值", "Option 1 value", "sku", 10, help_zh="例如 红色",
           help_en="e.g. Red"),
    Column("spec2_name", "规格2名称", "Option 2 name", "sku", 10),
    Column("spec2_value", "规格2值", "Option 2 value", "sku", 10),
    Column("spec3_name", "规格3名称", "Option 3 name", "sku", 10),
    Column("spec3_value", "规格3值", "Option 3 value", "sku", 10),
    Column("sku_code", "SKU编码", "SKU code", "sku", 16,
           help_zh="店内唯一；再次导入时按它匹配", help_en="Unique in the shop; a re-import "
           "matches on it"),
    Column("price", "售价(元)", "Price (yuan)", "sku", 11, required=True,
           help_zh="必填，最多两位小数，例如 99.90", help_en="Required, at most 2 decimals, "
           "e.g. 99.90"),
    Column("original_price", "划线价(元)", "Compare-at price (yuan)", "sku", 11,
           help_zh="不低于售价", help_en="Not below the price"),
    Column("cost", "成本价(元)", "Cost (yuan)", "sku", 11),
    Column("stock", "库存", "Stock", "sku", 9,
           help_zh="整数；已有 SKU 留空表示库存不变，新 SKU 留空为 0",
           help_en="Whole number; blank keeps an existing SKU's stock, 0 for a new one"),
    Column("barcode", "条形码", "Barcode", "sku", 16),
    Column("weight_g", "重量(克)", "Weight (g)", "sku", 9, help_zh="整数克",
           help_en="Whole grams"),
    Column("low_stock", "库存预警", "Low-stock alert", "sku", 9,
           help_zh="库存不高于该值时提醒", help_en="Alert when stock falls to this level"),
    Column("sku_image", "SKU图片", "SKU image", "sku", 30,
           help_zh="规格图片网址或 media:编号", help_en="Image URL or media:<id>"),
)

BY_KEY = {c.key: c for c in COLUMNS}
SPEC_COLUMNS = (("spec1_name", "spec1_value"), ("spec2_name", "spec2_value"),
                ("spec3_name", "spec3_value"))
PRODUCT_KEYS = tuple(c.key for c in COLUMNS if c.level == "product")
REPORT_COLUMN = {"zh": "错误原因", "en": "Errors"}
SHEET_NAMES = ("商品", "Products")

_NOISE = re.compile(r"[\s*＊_]+")


def normalise_header(value: object) -> str:
    text = str(value or "").translate(str.maketrans("（）", "()"))
    return _NOISE.sub("", text).lower()


_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _label in (_column.zh, _column.en, _column.key):
        _ALIASES[normalise_header(_label)] = _column.key
for _label, _key in (("价格", "price"), ("售价", "price"), ("划线价", "original_price"),
                     ("原价", "original_price"), ("成本价", "cost"), ("重量", "weight_g"),
                     ("商品标题", "title"), ("商品分类", "category"), ("规格编码", "sku_code"),
                     ("sku", "sku_code"), ("图片", "images"), ("详情", "description")):
    _ALIASES.setdefault(normalise_header(_label), _key)


def column_key(header: object) -> str | None:
    """The column a header names, or None for a column the importer does not use."""
    return _ALIASES.get(normalise_header(header))


def is_template_header(headers: list[object]) -> bool:
    """Whether a header row looks like the mallkit workbook: two of its columns at least
    (a missing required one is then reported by name)."""
    keys = {column_key(h) for h in headers} - {None}
    return len(keys) >= 2
