"""Product lists for the product blocks, loaded for a whole page at once.

Every list a page shows (each product grid, each tab of each group-tabs block) is one
:class:`ProductSource`; :func:`load_product_lists` answers all of them with a fixed number of
queries however many there are: the groups named (one query, when any), one ``UNION ALL`` of
per-source ``ORDER BY ... LIMIT`` selects joined to the products, their images (one query, when
any) and their stock (one query). Filters and visibility come from the catalog's services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import Product, ProductGroup
from runtime.modules.catalog.queries import ProductFilter, conditions, stock_totals

SOURCES = ("manual", "group", "category", "tag", "newest", "best_selling")
COVER_SIZE = 300
LARGE_COVER_SIZE = 750


@dataclass(frozen=True)
class ProductSource:
    """One list of products: where they come from and how many."""

    key: str
    source: str
    limit: int
    product_ids: tuple[int, ...] = ()
    group_id: int | None = None
    category_id: int | None = None
    tag: str = ""
    keyword: str = ""


def source_of(key: str, settings: Mapping[str, Any]) -> ProductSource:
    """A product grid's settings (``source``, ``product_ids``, ``group_id``, ``tag``,
    ``limit``) as a :class:`ProductSource`."""
    picks = tuple(dict.fromkeys(
        p["product_id"] for p in settings.get("product_ids") or []
        if isinstance(p, Mapping) and isinstance(p.get("product_id"), int)))
    return ProductSource(key=key, source=settings.get("source", "newest"),
                         limit=int(settings.get("limit") or 1), product_ids=picks,
                         group_id=settings.get("group_id"),
                         category_id=settings.get("category_id"), tag=settings.get("tag") or "",
                         keyword=settings.get("keyword") or "")


def _order(source: ProductSource) -> list[ColumnElement[Any]]:
    if source.source == "manual":
        position = case({pid: i for i, pid in enumerate(source.product_ids)},
                        value=Product.id, else_=len(source.product_ids))
        return [position.asc(), Product.id.asc()]
    if source.source == "newest":
        return [Product.created_at.desc(), Product.id.desc()]
    if source.source == "best_selling":
        return [(Product.sales_count + Product.sales_base).desc(), Product.id.desc()]
    return [Product.sort_weight.desc(), Product.id.desc()]


def _filter(source: ProductSource, known_groups: set[int]) -> ProductFilter | None:
    """The catalog filter of a source; None when it cannot match anything."""
    if source.source == "manual":
        return ProductFilter() if source.product_ids else None
    if source.source == "group":
        return ProductFilter(group_id=source.group_id) \
            if source.group_id in known_groups else None
    if source.source == "category":
        return ProductFilter(category_id=source.category_id) if source.category_id else None
    if source.source == "tag":
        return ProductFilter(tag=source.tag) if source.tag.strip() else None
    if source.source in ("newest", "best_selling"):
        return ProductFilter()
    if source.source == "search":
        return ProductFilter(keyword=source.keyword) if source.keyword.strip() else None
    return None


def load_product_lists(session: Session, sources: Sequence[ProductSource],
                       ) -> dict[str, list[dict[str, Any]]]:
    """The product cards of every source, keyed by ``ProductSource.key``, in display order.

    Only products a shopper may see are listed; an unknown group or an empty pick list gives
    an empty list.
    """
    result: dict[str, list[dict[str, Any]]] = {s.key: [] for s in sources}
    group_ids = {s.group_id for s in sources if s.source == "group" and s.group_id}
    # Loaded once and held here, so the catalog's group filter finds them in the identity map.
    groups = list(session.scalars(select(ProductGroup).where(ProductGroup.id.in_(group_ids)))
                  ) if group_ids else []
    known = {g.id for g in groups}
    shop_id = current_shop_id(session)
    parts = []
    found: dict[ProductFilter, list[ColumnElement[bool]] | None] = {}
    for slot, source in enumerate(sources):
        wanted = _filter(source, known)
        if wanted is not None and wanted not in found:
            found[wanted] = conditions(session, wanted)  # a category costs a query: once
        where = list(found[wanted] or []) if wanted is not None and found[wanted] else None
        if where is None or source.limit < 1:
            continue
        if source.source == "manual":
            where.append(Product.id.in_(source.product_ids))
        order = _order(source)
        inner = (select(literal(slot).label("slot"), Product.id.label("product_id"),
                        func.row_number().over(order_by=order).label("rank"))
                 .where(Product.shop_id == shop_id, *where)
                 .order_by(*order).limit(source.limit)).subquery()
        parts.append(select(inner.c.slot, inner.c.product_id, inner.c.rank))
    if not parts:
        return result
    picked = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    rows = session.execute(
        select(Product, picked.c.slot, picked.c.rank)
        .join(picked, picked.c.product_id == Product.id)
        .where(Product.shop_id == shop_id)
        .order_by(picked.c.slot, picked.c.rank)).all()
    products = {product.id: product for product, _slot, _rank in rows}
    cards = product_cards(session, products.values())
    for product, slot, _rank in rows:
        result[sources[slot].key].append(cards[product.id])
    return result


def product_cards(session: Session, products: Iterable[Product]) -> dict[int, dict[str, Any]]:
    """What a product card shows, by product id: money in fen, cover URLs in two sizes and a
    structured link (one query for the images, one for the stock)."""
    products = list(products)
    assets = load_assets(session, [p.cover for p in products if p.cover])
    stock = stock_totals(session, [p.id for p in products])
    return {p.id: {
        "id": p.id,
        "title": p.title,
        "subtitle": p.subtitle,
        "cover": media_url(p.cover, COVER_SIZE, assets=assets),
        "cover_large": media_url(p.cover, LARGE_COVER_SIZE, assets=assets),
        "price_fen": p.min_price_fen,
        "max_price_fen": p.max_price_fen,
        "original_price_fen": p.original_price_fen,
        "unit": p.unit,
        "sales": p.sales,
        "sold_out": stock.get(p.id, 0) <= 0,
        "link": {"kind": "product", "product_id": p.id},
    } for p in products}
