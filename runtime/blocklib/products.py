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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import GroupKind, Product, ProductGroup, Sku
from runtime.modules.catalog.queries import (
    ProductFilter,
    conditions,
    tag_condition,
    visible_condition,
)
from runtime.modules.catalog.taxonomy import manual_group_condition

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
    group_ids = [s.group_id for s in distinct if s.source == "group" and s.group_id]
    # Loaded once and held here, so the catalog's group filter finds them in the identity map.
    groups = {g.id: g for g in session.scalars(_GROUPS, {"group_ids": group_ids})
              } if group_ids else {}
    statement, params = _statement(session, distinct, groups)
    if statement is None:
        return result
    rows = session.execute(statement, params).all()
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


def _statement(session: Session, distinct: Sequence[ProductSource],
               groups: Mapping[int, ProductGroup]) -> tuple[Any, dict[str, Any]]:
    """The card rows of every source slot and the values to bind; ``(None, {})`` when no source
    can match. A page whose sources all bind (hand-picked, newest, best-selling, tag, manual
    group) reuses one statement per page shape, built once (:func:`_bound_statement`); a
    category, rule group or search source builds the page's statement from its conditions."""
    params: dict[str, Any] = {"shop_id": current_shop_id(session), "now": utcnow()}
    shape: list[tuple[int, str]] = []
    built: list[_Part | None] = []  # None: a bound source, built only when the shape is not
    found: dict[ProductFilter, list[ColumnElement[bool]] | None] = {}
    for slot, source in enumerate(distinct):
        wanted = _filter(source, groups.keys())
        if wanted is None or source.limit < 1:
            continue
        kind = _bound_kind(source, groups)
        if kind is not None:
            shape.append((slot, kind))
            params.update(_bound_values(slot, source))
            built.append(None)
            continue
        if wanted not in found:
            found[wanted] = conditions(session, wanted)  # a category costs a query: once
        if found[wanted] is not None:
            built.append((slot, source.source, found[wanted], source.limit))
    if not built:
        return None, {}
    if len(shape) == len(built):
        return _bound_statement(tuple(shape)), params
    bound = iter(shape)
    return _union([part or _bound_part(*next(bound)) for part in built]), params


_Part = tuple[int, str, Sequence[ColumnElement[bool]], Any]
_SHOP_ID, _NOW = bindparam("shop_id"), bindparam("now", type_=Product.off_sale_at.type)
_GROUPS = select(ProductGroup).where(ProductGroup.id.in_(bindparam("group_ids", expanding=True)))


def _bound_kind(source: ProductSource, groups: Mapping[int, ProductGroup]) -> str | None:
    """The kind of a source that binds its values into a prebuilt statement, else None."""
    if source.source == "group":
        return "group" if groups[source.group_id].kind == GroupKind.MANUAL else None
    return source.source if source.source in ("manual", "newest", "best_selling", "tag") \
        else None


def _bound_values(slot: int, source: ProductSource) -> dict[str, Any]:
    """The values a bound source's slot binds."""
    return {f"limit{slot}": source.limit, f"ids{slot}": list(source.product_ids),
            f"tag{slot}": source.tag, f"group{slot}": source.group_id}


def _bound_where(slot: int, kind: str) -> list[ColumnElement[bool]]:
    """A bound source's conditions, its values as parameters named after its slot."""
    where = [Product.deleted_at.is_(None), visible_condition(_NOW)]
    if kind == "manual":
        where.append(Product.id.in_(bindparam(f"ids{slot}", expanding=True)))
    elif kind == "tag":
        where.append(tag_condition(bindparam(f"tag{slot}")))
    elif kind == "group":
        where.append(manual_group_condition(bindparam(f"group{slot}")))
    return where


@lru_cache(maxsize=512)
def _bound_statement(shape: tuple[tuple[int, str], ...]) -> Any:
    """The statement of a page shape (``(slot, kind)`` of each source), built once: renders
    bind only values, and SQLAlchemy's compiled cache finds it by the same key."""
    return _union([_bound_part(slot, kind) for slot, kind in shape])


def _bound_part(slot: int, kind: str) -> _Part:
    """A bound source's part of the statement."""
    return slot, kind, _bound_where(slot, kind), bindparam(f"limit{slot}", type_=Integer)


def _union(parts: Sequence[_Part]) -> Any:
    """The card columns (stock summed in the same statement) of the products each part
    ``(slot, source kind, conditions, limit)`` lists: a ``UNION ALL`` of per-source selects,
    each served by an index, joined to the products."""
    selects = []
    for slot, kind, where, limit in parts:
        inner = select(literal(slot).label("slot"), Product.id.label("product_id")) \
            .where(Product.shop_id == _SHOP_ID, *where)
        if kind != "manual":  # picks are few and kept in pick order in Python
            inner = inner.order_by(*_order(kind)).limit(limit)
        selects.append(select(_SLOT, _PRODUCT_ID).select_from(inner.subquery()))
    picked = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery()
    return select(picked.c.slot, *_CARD_COLUMNS, _stock().label("stock")) \
        .join_from(picked, Product, picked.c.product_id == Product.id)


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


def _filter(source: ProductSource, known_groups: Collection[int]) -> ProductFilter | None:
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
