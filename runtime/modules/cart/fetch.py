"""The typed cart bundle: ``CartInfo`` / ``CartLineInfo``, loaded once, in a fixed number of
queries (the lines, then their SKUs joined to their products), and fed to the cart API,
the checkout and pricing alike. Each line carries its issues instead of being dropped.

The SKU/product join reads the catalog's tables read-only: the catalog has no bulk
"SKUs with their products" service, and one join keeps the query count flat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.media.models import MediaAsset
from runtime.media.refs import media_url
from runtime.modules.cart.models import Cart, CartLine
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.catalog.products import is_visible
from runtime.pricing import LINE_IMAGE_SIZE, PricingLine

MAX_QTY = 999


class LineIssue(StrEnum):
    SKU_MISSING = "sku_missing"  # the SKU no longer exists
    PRODUCT_DELETED = "product_deleted"
    OFF_SHELF = "off_shelf"  # 已下架
    SKU_RETIRED = "sku_retired"  # the spec combination was removed
    SOLD_OUT = "sold_out"  # 已售罄
    INSUFFICIENT_STOCK = "insufficient_stock"  # 库存不足 for the quantity
    OVER_LIMIT = "over_limit"  # more than the product's per-order limit
    PRICE_CHANGED = "price_changed"  # 价格变动 since it was added (a notice, not blocking)


BLOCKING = frozenset(LineIssue) - {LineIssue.PRICE_CHANGED}

ISSUE_LABELS = {
    LineIssue.SKU_MISSING: "商品不存在",
    LineIssue.PRODUCT_DELETED: "商品已删除",
    LineIssue.OFF_SHELF: "商品已下架",
    LineIssue.SKU_RETIRED: "规格已失效",
    LineIssue.SOLD_OUT: "已售罄",
    LineIssue.INSUFFICIENT_STOCK: "库存不足",
    LineIssue.OVER_LIMIT: "超出限购数量",
    LineIssue.PRICE_CHANGED: "价格有变动",
}


@dataclass(frozen=True)
class SkuInfo:
    """A SKU and its product as the shopper sees them now."""

    sku: Sku
    product: Product

    @property
    def title(self) -> str:
        return self.product.title

    @property
    def spec_text(self) -> str:
        return " ".join(str(v) for v in self.sku.spec_values or [])

    @property
    def image(self) -> dict[str, Any] | None:
        return self.sku.image or self.product.cover

    def issues(self, qty: int, now: datetime, added_price_fen: int | None = None
               ) -> list[LineIssue]:
        found: list[LineIssue] = []
        if self.product.deleted_at is not None:
            found.append(LineIssue.PRODUCT_DELETED)
        elif not is_visible(self.product, now):
            found.append(LineIssue.OFF_SHELF)
        if self.sku.retired_at is not None:
            found.append(LineIssue.SKU_RETIRED)
        if self.sku.stock <= 0:
            found.append(LineIssue.SOLD_OUT)
        elif self.sku.stock < qty:
            found.append(LineIssue.INSUFFICIENT_STOCK)
        limit = self.product.limit_per_order
        if limit is not None and qty > limit:
            found.append(LineIssue.OVER_LIMIT)
        if added_price_fen is not None and added_price_fen != self.sku.price_fen:
            found.append(LineIssue.PRICE_CHANGED)
        return found


def load_skus(session: Session, sku_ids: Iterable[int]) -> dict[int, SkuInfo]:
    """SKUs with their products, in one query."""
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    rows = session.execute(select(Sku, Product).join(Product, Product.id == Sku.product_id)
                           .where(Sku.id.in_(ids)))
    return {sku.id: SkuInfo(sku, product) for sku, product in rows}


@dataclass(frozen=True)
class CartLineInfo:
    line: CartLine
    info: SkuInfo | None
    issues: tuple[LineIssue, ...]

    @property
    def available(self) -> bool:
        return not any(issue in BLOCKING for issue in self.issues)

    @property
    def unit_price_fen(self) -> int:
        return self.info.sku.price_fen if self.info else self.line.added_price_fen

    def pricing_line(self) -> PricingLine:
        assert self.info is not None
        return pricing_line(str(self.line.id), self.info, self.line.qty)

    def as_dict(self, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
        """The line for the API; ``assets`` (see :meth:`CartInfo.image_refs`) resolve
        ``image_url`` without a query per line."""
        info = self.info
        image = info.image if info else None
        return {
            "id": self.line.id, "sku_id": self.line.sku_id, "product_id": self.line.product_id,
            "qty": self.line.qty, "selected": self.line.selected,
            "title": info.title if info else "", "spec_text": info.spec_text if info else "",
            "image": image,
            "image_url": media_url(image, size=LINE_IMAGE_SIZE, assets=assets),
            "unit_price_fen": self.unit_price_fen,
            "added_price_fen": self.line.added_price_fen,
            "stock": info.sku.stock if info else 0,
            "line_total_fen": self.unit_price_fen * self.line.qty,
            "available": self.available,
            "issues": [{"code": str(i), "label": ISSUE_LABELS[i]} for i in self.issues],
        }


@dataclass(frozen=True)
class CartInfo:
    cart: Cart | None
    lines: tuple[CartLineInfo, ...]

    @property
    def selected(self) -> list[CartLineInfo]:
        return [li for li in self.lines if li.line.selected]

    @property
    def checkout_lines(self) -> list[CartLineInfo]:
        """Selected lines that can be bought now."""
        return [li for li in self.selected if li.available]

    @property
    def selected_total_fen(self) -> int:
        return sum(li.unit_price_fen * li.line.qty for li in self.checkout_lines)

    def image_refs(self) -> list[dict[str, Any]]:
        """Every line's image reference, for one ``load_assets`` per response."""
        return [li.info.image for li in self.lines if li.info and li.info.image]

    def as_dict(self, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
        return {
            "lines": [li.as_dict(assets) for li in self.lines],
            "count": sum(li.line.qty for li in self.lines),
            "selected_count": sum(li.line.qty for li in self.checkout_lines),
            "selected_total_fen": self.selected_total_fen,
            "has_issues": any(li.issues for li in self.lines),
        }


def pricing_line(key: str, info: SkuInfo, qty: int) -> PricingLine:
    return PricingLine(key=key, sku_id=info.sku.id, product_id=info.product.id,
                       title=info.title, unit_price_fen=info.sku.price_fen, qty=qty,
                       spec_text=info.spec_text,
                       weight_g=info.sku.weight_g or info.product.weight_g or 0,
                       category_id=info.product.category_id, image=info.image)


def fetch_cart_info(session: Session, cart: Cart | None) -> CartInfo:
    """The cart's lines with their SKUs, products and issues: two queries."""
    if cart is None:
        return CartInfo(None, ())
    lines: Sequence[CartLine] = list(session.scalars(
        select(CartLine).where(CartLine.cart_id == cart.id).order_by(CartLine.id.desc())))
    infos = load_skus(session, (line.sku_id for line in lines))
    now = utcnow()
    result = []
    for line in lines:
        info = infos.get(line.sku_id)
        issues = (tuple(info.issues(line.qty, now, line.added_price_fen)) if info
                  else (LineIssue.SKU_MISSING,))
        result.append(CartLineInfo(line, info, issues))
    return CartInfo(cart, tuple(result))
