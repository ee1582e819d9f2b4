"""Product lists for the product blocks, loaded for a whole page at once.

Every list a page shows (each product grid, each tab of each group-tabs block) is one
:class:`ProductSource`. Block types announce their sources in ``prepare(batch, ctx)``
(:func:`plan_product_lists`) and read them in ``resolve`` (:func:`page_product_lists`), so all
product blocks of a page share one load: the groups named (one query, when any), then one
query of card columns — a ``UNION ALL`` of per-source ``ORDER BY ... LIMIT`` selects, each
served by an index, joined to the products with their stock summed in the same statement —
and the covers' media assets (one query, when any cover is a library image). Identical sources
are loaded once (the longest limit), whatever block asks; no ORM entity is built for a card.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, func, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from runtime.db import current_shop_id
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import Product, ProductGroup, Sku
from runtime.modules.catalog.queries import ProductFilter, conditions

SOURCES = ("manual", "group", "category", "tag", "newest", "best_selling")
COVER_SIZE = 300
LARGE_COVER_SIZE = 750
_PLANNED = "blocklib.products.planned"
_LOADED = "blocklib.products.loaded"

Card = dict[str, Any]


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

    @property
    def what(self) -> tuple[Any, ...]:
        """What the list shows, limit aside: sources equal here share one load."""
        return (self.source, self.product_ids, self.group_id, self.category_id, self.tag,
                self.keyword)


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


# --- the page's one load ------------------------------------------------------------------


def plan_product_lists(ctx: Any, sources: Sequence[ProductSource]) -> None:
    """Announce, in a block's ``prepare``, the lists its ``resolve`` will ask for."""
    ctx.loads.setdefault(_PLANNED, []).extend(sources)


def page_product_lists(ctx: Any, sources: Sequence[ProductSource]) -> dict[str, list[Card]]:
    """The cards of ``sources`` keyed by ``ProductSource.key``; the first call loads every
    list planned on the page in one go, later calls read what it loaded."""
    loaded: dict[tuple[Any, ...], tuple[int, list[Card]]] = ctx.loads.setdefault(_LOADED, {})
    wanted = [*ctx.loads.pop(_PLANNED, ()), *sources]
    missing = [s for s in wanted if s.what not in loaded or loaded[s.what][0] < s.limit]
    if missing:
        loaded.update(_load(ctx.session, missing))
    return {s.key: loaded[s.what][1][:s.limit] for s in sources}


def load_product_lists(session: Session, sources: Sequence[ProductSource],
                       ) -> dict[str, list[Card]]:
    """The product cards of every source, keyed by ``ProductSource.key``, in display order.

    Only products a shopper may see are listed; an unknown group or an empty pick list gives
    an empty list.
    """
    lists = _load(session, sources)
    return {s.key: lists[s.what][1][:s.limit] for s in sources}


def _load(session: Session, sources: Sequence[ProductSource],
          ) -> dict[tuple[Any, ...], tuple[int, list[Card]]]:
    """``{source.what: (limit loaded, cards)}`` for every distinct source."""
    merged: dict[tuple[Any, ...], ProductSource] = {}
    for source in sources:
        known = merged.get(source.what)
        if known is None or known.limit < source.limit:
            merged[source.what] = source
    distinct = list(merged.values())
    result: dict[tuple[Any, ...], tuple[int, list[Card]]] = {
        s.what: (s.limit, []) for s in distinct}
    group_ids = {s.group_id for s in distinct if s.source == "group" and s.group_id}
    # Loaded once and held here, so the catalog's group filter finds them in the identity map.
    groups = list(session.scalars(select(ProductGroup).where(ProductGroup.id.in_(group_ids)))
                  ) if group_ids else []
    known_groups = {g.id for g in groups}
    shop_id = current_shop_id(session)
    parts = []
    found: dict[ProductFilter, list[ColumnElement[bool]] | None] = {}
    for slot, source in enumerate(distinct):
        wanted = _filter(source, known_groups)
        if wanted is None or source.limit < 1:
            continue
        if wanted not in found:
            found[wanted] = conditions(session, wanted)  # a category costs a query: once
        where = found[wanted]
        if where is None:
            continue
        inner = select(literal(slot).label("slot"), Product.id.label("product_id")) \
            .where(Product.shop_id == shop_id, *where)
        if source.source == "manual":
            inner = inner.where(Product.id.in_(source.product_ids))
        else:
            inner = inner.order_by(*_order(source.source)).limit(source.limit)
        parts.append(select(_SLOT, _PRODUCT_ID).select_from(inner.subquery()))
    if not parts:
        return result
    picked = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    rows = session.execute(
        select(picked.c.slot, *_CARD_COLUMNS, _stock().label("stock"))
        .join_from(picked, Product, picked.c.product_id == Product.id)).all()
    assets = load_assets(session, [r.cover for r in rows if isinstance(r.cover, dict)])
    by_slot: dict[int, list[Any]] = {}
    for row in rows:
        by_slot.setdefault(row.slot, []).append(row)
    for slot, slot_rows in by_slot.items():
        source = distinct[slot]
        slot_rows.sort(key=_sort_key(source))
        result[source.what] = (source.limit,
                               [_card(r, assets) for r in slot_rows[:source.limit]])
    return result


_SLOT, _PRODUCT_ID = literal_column("slot"), literal_column("product_id")
_CARD_COLUMNS = (
    Product.id, Product.title, Product.subtitle, Product.images[0].label("cover"),
    Product.min_price_fen, Product.max_price_fen, Product.original_price_fen, Product.unit,
    (Product.sales_count + Product.sales_base).label("sales"), Product.sort_weight,
    Product.created_at,
)


@cache
def _stock() -> Any:
    """A product's stock, summed over its live SKUs (an immutable expression, built once)."""
    return (select(func.coalesce(func.sum(Sku.stock), 0))
            .where(Sku.product_id == Product.id, Sku.retired_at.is_(None))
            .correlate(Product).scalar_subquery())


@cache
def _order(source: str) -> tuple[ColumnElement[Any], ...]:
    """The SQL order of a source (each has an index, see the catalog's migrations); built
    once per source kind."""
    if source == "newest":
        return Product.created_at.desc(), Product.id.desc()
    if source == "best_selling":
        return (Product.sales_count + Product.sales_base).desc(), Product.id.desc()
    return Product.sort_weight.desc(), Product.id.desc()


def _sort_key(source: ProductSource) -> Any:
    """The same order as :func:`_order` (and pick order for ``manual``) on loaded rows."""
    if source.source == "manual":
        position = {pid: i for i, pid in enumerate(source.product_ids)}
        return lambda r: position[r.id]
    if source.source == "newest":
        return lambda r: (-r.created_at.timestamp(), -r.id)
    if source.source == "best_selling":
        return lambda r: (-r.sales, -r.id)
    return lambda r: (-r.sort_weight, -r.id)


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


def _card(row: Any, assets: Mapping[int, Any]) -> Card:
    """What a product card shows: money in fen, cover URLs in two sizes and a link."""
    cover = row.cover if isinstance(row.cover, dict) else None
    small = media_url(cover, COVER_SIZE, assets=assets)
    return {
        "id": row.id,
        "title": row.title,
        "subtitle": row.subtitle,
        "cover": small,
        # an image URL has one size; a library image has thumbnails
        "cover_large": small if cover is None or "url" in cover
        else media_url(cover, LARGE_COVER_SIZE, assets=assets),
        "price_fen": row.min_price_fen,
        "max_price_fen": row.max_price_fen,
        "original_price_fen": row.original_price_fen,
        "unit": row.unit,
        "sales": row.sales,
        "sold_out": row.stock <= 0,
        "link": {"kind": "product", "product_id": row.id},
    }
