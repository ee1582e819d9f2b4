"""Made-up shop data that theme checks and agency previews render with, so an agency never
sees a real shop's data."""

from __future__ import annotations

from typing import Any

SHOP = {"slug": "sample", "name": "示例小店"}

PRODUCTS = [
    {"id": 1, "title": "有机番茄 500g", "subtitle": "当天采摘", "cover": None, "cover_large": None,
     "price_fen": 1290, "max_price_fen": 1290, "original_price_fen": 1590, "unit": "份",
     "sales": 128, "sold_out": False, "link": {"kind": "product", "product_id": 1}},
    {"id": 2, "title": "土鸡蛋 10 枚", "subtitle": "散养", "cover": None, "cover_large": None,
     "price_fen": 2380, "max_price_fen": 2980, "original_price_fen": None, "unit": "盒",
     "sales": 56, "sold_out": False, "link": {"kind": "product", "product_id": 2}},
    {"id": 3, "title": "高山苹果", "subtitle": "", "cover": None, "cover_large": None,
     "price_fen": 990, "max_price_fen": 990, "original_price_fen": None, "unit": "斤",
     "sales": 0, "sold_out": True, "link": {"kind": "product", "product_id": 3}},
]


PRODUCT = {
    "id": 2, "title": "土鸡蛋 10 枚", "subtitle": "散养", "images": [], "video": None,
    "description_html": "<p>农家散养，每日现捡。</p>", "unit": "盒", "weight_g": 600,
    "category": None, "tags": [], "price_fen": 2380, "max_price_fen": 2980,
    "original_price_fen": None, "sales": 56, "stock": 40, "limit_per_order": 5,
    "limit_per_customer": None, "off_sale_at": None,
    "specs": [{"name": "规格", "values": ["10 枚", "20 枚"]}],
    "skus": [{"id": 21, "spec_values": ["10 枚"], "price_fen": 2380, "original_price_fen": None,
              "stock": 30, "image": None},
             {"id": 22, "spec_values": ["20 枚"], "price_fen": 2980, "original_price_fen": None,
              "stock": 10, "image": None}],
}
"""The product page's product, shaped as the product API answers."""


def block_data(block_type: str) -> dict[str, Any]:
    """Data for any block: the product list product blocks show, the product page's product,
    plus the preview flag."""
    return {"products": PRODUCTS, "context": None, "preview": True, "product": PRODUCT,
            "tabs": [{"title": "推荐", "products": PRODUCTS}]}


def page(kind: str) -> dict[str, Any]:
    return {"id": 0, "slug": kind, "kind": kind, "title": "示例页面", "version": 0,
            "background": ""}
