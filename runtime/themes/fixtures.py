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


def block_data(block_type: str) -> dict[str, Any]:
    """Data for any block: the product list product blocks show, plus the preview flag."""
    return {"products": PRODUCTS, "context": None, "preview": True,
            "tabs": [{"title": "推荐", "products": PRODUCTS}]}


def page(kind: str) -> dict[str, Any]:
    return {"id": 0, "slug": kind, "kind": kind, "title": "示例页面", "version": 0,
            "background": ""}
