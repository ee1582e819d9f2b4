"""Block library tests: a small real catalog (products with library images, groups, tags),
publishing helpers, and the browser fixtures."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.pages.registries import Registries
from tests.browser_support import browser, live_url, phone  # noqa: F401
from tests.page_helpers import block, ids_in_html, ids_in_layout, page_config  # noqa: F401


@pytest.fixture
def regs(app: Flask) -> Registries:
    return app.extensions["mallkit"].registries["pages"]


@contextmanager
def in_shop(app: Flask, shop: Any) -> Iterator[Session]:
    """A session scoped to ``shop`` inside an app context; after-commit cache bumps reach
    the app's Redis."""
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        s.info["redis"] = app.extensions["mallkit"].redis
        yield s


@pytest.fixture
def publish(factory) -> Callable[..., int]:
    """Save ``config`` as the draft of ``slug`` in ``shop`` and publish it; returns the version."""
    return factory.publish_page


def png(colour: str, size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Catalog:
    """What :func:`catalog` made: product ids by short name, group ids, the tag."""

    products: dict[str, int]
    groups: dict[str, int]
    tag: str


@pytest.fixture
def catalog(app: Flask, shop: Any) -> Catalog:
    """Six products shoppers can see (with cover images, prices, sales), one sold out, one
    off the shelf; a manual group, a rule group (tag 春季) and the tag itself."""
    from runtime.media.service import upload
    from runtime.modules.catalog.products import create_product
    from runtime.modules.catalog.taxonomy import create_group

    rows = [  # name, title, price, original, sales_base, stock, tags, status
        ("dress", "碎花连衣裙", 15900, 25900, 300, 20, ["春季"], "on_sale"),
        ("tee", "纯棉短袖T恤", 5900, 9900, 800, 50, ["春季"], "on_sale"),
        ("nuts", "每日坚果礼盒", 8990, None, 500, 30, [], "on_sale"),
        ("mug", "陶瓷马克杯", 3900, 5900, 100, 10, [], "on_sale"),
        ("candle", "木质香薰蜡烛", 6800, None, 50, 0, [], "on_sale"),
        ("coffee", "冷萃挂耳咖啡", 4900, 6900, 200, 40, ["春季"], "on_sale"),
        ("hidden", "下架的旧款", 1000, None, 999, 5, ["春季"], "off_shelf"),
    ]
    colours = ["#f4a7a3", "#a3c4f4", "#b8e0b0", "#f6d18b", "#d3b8f0", "#9fd8d8", "#cccccc"]
    with in_shop(app, shop) as s:
        manual = create_group(s, {"name": "店长推荐"})
        rule = create_group(s, {"name": "春季上新", "kind": "rule", "rule": {"tags": ["春季"]}})
        products = {}
        for (name, title, price, original, sales, stock, tags, status), colour in zip(
                rows, colours, strict=True):
            asset = upload(s, png(colour), f"{name}.png").asset
            product = create_product(s, {
                "title": title, "subtitle": f"{title}的副标题", "status": status,
                "images": [{"media_id": asset.id}], "sales_base": sales, "tags": tags,
                "group_ids": [manual.id] if name in ("nuts", "mug", "hidden") else [],
                "skus": [{"price_fen": price, "original_price_fen": original, "stock": stock}]})
            products[name] = product.id
        s.commit()
        return Catalog(products, {"manual": manual.id, "rule": rule.id}, "春季")
