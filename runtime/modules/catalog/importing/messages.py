"""Messages of the import, in English in code and rendered in the language of whoever
started the import (the error report is a document merchants read, not a log)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOCALES = ("zh", "en")


@dataclass(frozen=True)
class Msg:
    """A message template with ``{name}`` parameters, rendered late."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, text: str, **params: Any) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "params", params)

    def render(self, locale: str = "en") -> str:
        template = ZH.get(self.text, self.text) if locale == "zh" else self.text
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.text


def render(message: Msg | str, locale: str) -> str:
    return message.render(locale) if isinstance(message, Msg) else message


ZH: dict[str, str] = {
    # values
    "not a price in yuan with at most 2 decimals, e.g. 12.90":
        "不是有效的金额（元，最多两位小数，例如 12.90）",
    "at most {limit} yuan": "不能超过 {limit} 元",
    "not a whole number": "不是整数",
    "must be at least {minimum}": "不能小于 {minimum}",
    "must be at most {maximum}": "不能大于 {maximum}",
    "formulas are not accepted; paste the values instead":
        "不接受公式，请粘贴为数值",
    "is required": "必填",
    "at most {limit} characters": "最多 {limit} 个字符",
    # files
    "the file is empty": "文件是空的",
    "the file is larger than {limit} MB": "文件超过 {limit} MB",
    "not a readable .xlsx workbook (save it from Excel or WPS as .xlsx)":
        "不是可读取的 .xlsx 工作簿（请在 Excel 或 WPS 中另存为 .xlsx）",
    "the workbook unpacks to more than {limit} MB": "工作簿解压后超过 {limit} MB",
    "the file has more than {limit} rows; split it into several files":
        "文件超过 {limit} 行，请拆分成多个文件",
    "the file is not UTF-8 or GB18030 text": "文件不是 UTF-8 或 GB18030 编码的文本",
    "not a readable CSV file": "不是可读取的 CSV 文件",
    "the file has no header row": "文件没有表头行",
    "missing column(s): {columns}": "缺少列：{columns}",
    "unknown file format: expected the mallkit .xlsx template, a Shopify product CSV or a "
    "WooCommerce product CSV":
        "无法识别的文件格式：请使用 mallkit .xlsx 模板、Shopify 商品 CSV 或 WooCommerce 商品 CSV",
    "the import stopped before it finished (the worker was lost); start it again: "
    "products already imported are updated, not duplicated":
        "导入未完成即中断（后台任务丢失），请重新导入：已导入的商品会被更新而不会重复",
    "the import failed: {reason}": "导入失败：{reason}",
    "the export stopped before it finished (the worker was lost); start it again":
        "导出未完成即中断（后台任务丢失），请重新导出",
    # rows and products
    "differs from the first row of this product ({first})":
        "与该商品第一行的值（{first}）不一致",
    "no category {path}; create it first": "分类“{path}”不存在，请先创建",
    "categories nest at most {depth} levels": "分类最多 {depth} 级",
    "unknown status {value}; use 上架, 下架 or 草稿":
        "未知状态“{value}”，请填写 上架、下架 或 草稿",
    "at most {limit} images": "最多 {limit} 张图片",
    "not an image URL (http:// or https://) or media:<id>":
        "不是图片网址（http:// 或 https://）或 media:<编号>",
    "the image URL must name a public host": "图片网址必须是公网地址",
    "no image {id} in the media library": "素材库中没有图片 {id}",
    "at most {limit} tags": "最多 {limit} 个标签",
    "give the spec a name in {column}": "请在“{column}”中填写规格名称",
    "a product has at most {limit} specs": "一个商品最多 {limit} 个规格",
    "spec {name} has more than {limit} values": "规格“{name}”的值超过 {limit} 个",
    "spec {name} appears twice": "规格“{name}”重复",
    "the same spec combination {values} appears twice": "规格组合“{values}”重复出现",
    "a product without specs has exactly one SKU row; add spec columns for variants":
        "没有规格的商品只能有一行 SKU；多规格请填写规格列",
    "rows missing for the spec combinations {missing}; every combination needs one row":
        "缺少规格组合 {missing} 的行；每个规格组合都需要一行",
    "the specs make {count} SKUs; at most {limit}": "规格组合共 {count} 个 SKU，最多 {limit} 个",
    "the compare-at price must not be below the price": "划线价不能低于售价",
    "SKU code {code} appears more than once in the file": "SKU 编码 {code} 在文件中出现了多次",
    "SKU code {code} belongs to another product ({product})":
        "SKU 编码 {code} 已属于另一个商品（{product}）",
    "the SKU codes match several existing products ({products})":
        "SKU 编码对应了多个已有商品（{products}）",
    "another product in this file matches the same existing product":
        "文件中另一个商品也对应了同一个已有商品",
    "product code {code} is used by a deleted product": "商品编码 {code} 属于已删除的商品",
    "this product failed: see the marked cells": "该商品导入失败：见标出的单元格",
    "not imported: another row of this product has an error":
        "未导入：该商品的其他行有错误",
    "could not be saved: {reason}": "保存失败：{reason}",
    "{field}: {message}": "{field}：{message}",
    # Shopify / WooCommerce
    "a variant row without a product row before it (Handle {handle})":
        "变体行之前没有商品行（Handle {handle}）",
    "unsupported WooCommerce product type {type}": "不支持的 WooCommerce 商品类型“{type}”",
    "variation of an unknown parent {parent}": "变体的父商品 {parent} 不存在",
    "a variable product needs variation rows": "可变商品需要变体行",
    "attribute {name} is 'any' on this variation and the parent lists no values for it":
        "该变体的属性“{name}”为“任意”，但父商品没有列出它的取值",
    "a grouped product only lists other products; mallkit has no grouped products, so "
    "import its products on their own rows":
        "组合商品（grouped）只是列出其他商品；mallkit 没有组合商品，请单独导入其中的商品",
    "an external product is sold on another site; a mallkit shop sells only its own "
    "products, so it is not imported":
        "外部商品（external）在其他网站销售；mallkit 店铺只销售自己的商品，因此不导入",
    "not a weight": "不是有效的重量",
}
