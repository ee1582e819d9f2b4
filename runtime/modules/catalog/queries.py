"""Finding products: filters, sorts and keyset pagination for shoppers, pages for the console.

The same :class:`ProductFilter` drives the mini-program list, the console list and the
product blocks; a cursor is opaque to clients (base64 of the sort and the last row's keys).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import ValidationFailed
from runtime.modules.catalog import search
from runtime.modules.catalog.models import (
    Category,
    Product,
    ProductGroup,
    ProductStatus,
    ProductTag,
    Sku,
    Tag,
)
from runtime.modules.catalog.taxonomy import descendant_ids, group_condition

SORTS = ("default", "sales", "price_asc", "price_desc", "newest")
CONSOLE_SORTS = (*SORTS, "stock_asc", "updated")
MAX_LIMIT = 50


@dataclass(frozen=True)
class ProductFilter:
    keyword: str | None = None
    category_id: int | None = None
    group_id: int | None = None
    tag: str | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    status: str | None = None
    low_stock: bool = False
    visible_only: bool = True


@dataclass(frozen=True)
class ProductPage:
    items: list[Product]
    next_cursor: str | None


@dataclass(frozen=True)
class ConsolePage:
    """A numbered console page; ``next_cursor`` / ``prev_cursor`` reach its neighbours by
    keyset (absent for the ``stock_asc`` sort, which pages by number)."""

    items: list[Product]
    total: int
    page: int
    per_page: int
    next_cursor: str | None = None
    prev_cursor: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_condition(now: datetime | ColumnElement[Any] | None = None) -> ColumnElement[bool]:
    """Products a shopper may see: on sale, not deleted, not past their off-sale time (``now``
    may be a bound parameter, for a statement built once and run many times)."""
    if now is None:
        now = utcnow()
    return and_(Product.deleted_at.is_(None), Product.status == ProductStatus.ON_SALE,
                or_(Product.off_sale_at.is_(None), Product.off_sale_at > now))


def _stock_total() -> Any:
    return (select(func.coalesce(func.sum(Sku.stock), 0))
            .where(Sku.product_id == Product.id, Sku.retired_at.is_(None))
            .correlate(Product).scalar_subquery())


def tag_condition(tag: str | ColumnElement[Any]) -> ColumnElement[bool]:
    """The products tagged ``tag`` (a name or a bound parameter)."""
    return Product.id.in_(select(ProductTag.product_id).join(Tag, Tag.id == ProductTag.tag_id)
                          .where(Tag.name == tag))


def conditions(session: Session, f: ProductFilter) -> list[ColumnElement[bool]] | None:
    """The WHERE clauses of a filter; None when it can match nothing (unknown group...)."""
    where: list[ColumnElement[bool]] = [Product.deleted_at.is_(None)]
    if f.visible_only:
        where.append(visible_condition())
    elif f.status:
        where.append(Product.status == f.status)
    if f.keyword:
        matched = search.matching_product_ids(session, f.keyword)
        if matched is not None:
            where.append(matched)
    if f.category_id is not None:
        ids = descendant_ids(session, f.category_id)
        if f.visible_only:
            hidden = set(session.scalars(select(Category.id)
                                         .where(Category.is_visible.is_(False))))
            if f.category_id in hidden:
                return None
        if not ids:
            return None
        where.append(Product.category_id.in_(ids))
    if f.group_id is not None:
        group = session.get(ProductGroup, f.group_id)
        if group is None:
            return None
        where.append(group_condition(session, group))
    if f.tag:
        where.append(tag_condition(f.tag))
    if f.min_price_fen is not None:
        where.append(Product.min_price_fen >= f.min_price_fen)
    if f.max_price_fen is not None:
        where.append(Product.min_price_fen <= f.max_price_fen)
    if f.low_stock:
        where.append(Product.id.in_(
            select(Sku.product_id).where(Sku.retired_at.is_(None),
                                         Sku.low_stock_threshold.is_not(None),
                                         Sku.stock <= Sku.low_stock_threshold)))
    return where


# --- keyset pagination --------------------------------------------------------------------


_SORT_KEYS: dict[str, Callable[[], tuple[Any, bool]]] = {
    "default": lambda: (Product.sort_weight, True),
    "sales": lambda: (Product.sales_count + Product.sales_base, True),
    "price_asc": lambda: (Product.min_price_fen, False),
    "price_desc": lambda: (Product.min_price_fen, True),
    "newest": lambda: (Product.created_at, True),
    "stock_asc": lambda: (_stock_total(), False),
    "updated": lambda: (Product.updated_at, True),
}


def _sort_key(sort: str) -> tuple[Any, bool]:
    """``(expression, descending)``; ties are broken by id in the same direction. Only the
    asked sort's expression is built (the stock total is a correlated subquery)."""
    return _SORT_KEYS[sort]()


KEYSET_CONSOLE_SORTS = tuple(s for s in CONSOLE_SORTS if s != "stock_asc")
_TIME_SORTS = ("newest", "updated")


def _key_value(product: Product, sort: str) -> Any:
    if sort == "newest":
        return product.created_at.isoformat()
    if sort == "updated":
        return product.updated_at.isoformat()
    return {"default": product.sort_weight, "sales": product.sales,
            "price_asc": product.min_price_fen, "price_desc": product.min_price_fen}[sort]


def encode_cursor(sort: str, value: Any, last_id: int) -> str:
    raw = json.dumps({"s": sort, "v": value, "id": last_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    """The keys of a cursor made for ``sort``; anything else is a 422 on ``cursor``."""
    bad = ValidationFailed.single("/cursor", "not a cursor from this list; start again "
                                             "without one", "cursor")
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("s") != sort:
        raise bad
    value, last_id = data.get("v"), data.get("id")
    if isinstance(last_id, bool) or not isinstance(last_id, int):
        raise bad
    if sort in _TIME_SORTS:
        try:
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise bad from None
        if value.tzinfo is None:
            raise bad
    elif isinstance(value, bool) or not isinstance(value, int):
        raise bad
    return value, last_id


def list_products(session: Session, f: ProductFilter, *, sort: str = "default",
                  limit: int = 20, cursor: str | None = None) -> ProductPage:
    """One page of products in a stable order; pass ``next_cursor`` back for the next."""
    if sort not in SORTS:
        raise ValidationFailed.single("/sort", f"must be one of {', '.join(SORTS)}", "enum")
    limit = max(1, min(limit, MAX_LIMIT))
    where = conditions(session, f)
    if where is None:
        return ProductPage([], None)
    expr, descending = _sort_key(sort)
    if cursor:
        value, last_id = decode_cursor(cursor, sort)
        where.append(_beyond(expr, value, last_id, descending))
    order = _ordered(expr, descending)
    rows = list(session.scalars(select(Product).where(*where).order_by(*order)
                                .limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (encode_cursor(sort, _key_value(rows[-1], sort), rows[-1].id)
                   if more and rows else None)
    return ProductPage(rows, next_cursor)


def console_products(session: Session, f: ProductFilter, *, sort: str = "updated",
                     page: int = 1, per_page: int = 20, after: str | None = None,
                     before: str | None = None, last: bool = False,
                     total: int | None = None) -> ConsolePage:
    """A numbered page of products for the console (all statuses unless filtered).

    Pages are reached by keyset, never by skipping rows: ``after`` (a page's
    ``next_cursor``), ``before`` (its ``prev_cursor``) or ``last``; ``page`` is then only the
    number shown. A bare ``page`` (no cursor), and every page of the ``stock_asc`` sort,
    is found by offset. ``total``: how many products the filter finds, when the caller
    knows it (:mod:`.figures`); counted otherwise."""
    if sort not in CONSOLE_SORTS:
        raise ValidationFailed.single("/sort", f"must be one of {', '.join(CONSOLE_SORTS)}",
                                      "enum")
    where = conditions(session, f)
    if where is None:
        return ConsolePage([], 0, 1, per_page)
    if total is None:
        total = session.scalar(select(func.count()).select_from(Product).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = pages if last else max(1, min(page, pages))
    expr, descending = _sort_key(sort)
    keyset = sort in KEYSET_CONSOLE_SORTS
    cursor = None if last or not keyset else after or before
    backwards = keyset and (last or (cursor is not None and not after))
    if cursor:
        value, last_id = decode_cursor(cursor, sort)
        where.append(_beyond(expr, value, last_id, descending != backwards))
    query = select(Product).where(*where).order_by(*_ordered(expr, descending != backwards))
    if last and keyset:
        query = query.limit(total - (pages - 1) * per_page or per_page)
    elif cursor:
        query = query.limit(per_page)
    else:
        query = query.offset((page - 1) * per_page).limit(per_page)
    rows = list(session.scalars(query))
    if backwards:
        rows.reverse()
    if not keyset or not rows:
        return ConsolePage(rows, total, page, per_page)
    return ConsolePage(
        rows, total, page, per_page,
        next_cursor=encode_cursor(sort, _key_value(rows[-1], sort), rows[-1].id)
        if page < pages else None,
        prev_cursor=encode_cursor(sort, _key_value(rows[0], sort), rows[0].id)
        if page > 1 else None)


def _ordered(expr: Any, descending: bool) -> list[Any]:
    return [expr.desc(), Product.id.desc()] if descending else [expr.asc(), Product.id.asc()]


def _beyond(expr: Any, value: Any, last_id: int, descending: bool) -> ColumnElement[bool]:
    """Rows after ``(value, last_id)`` in the order ``expr`` (then id), either direction."""
    if descending:
        return or_(expr < value, and_(expr == value, Product.id < last_id))
    return or_(expr > value, and_(expr == value, Product.id > last_id))


def products_by_ids(session: Session, ids: Sequence[int], *, visible_only: bool = True
                    ) -> list[Product]:
    """Products in the order of ``ids`` (unknown or hidden ones left out), in one query."""
    wanted = [i for i in dict.fromkeys(ids) if isinstance(i, int) and not isinstance(i, bool)]
    if not wanted:
        return []
    query = select(Product).where(Product.id.in_(wanted), Product.deleted_at.is_(None))
    if visible_only:
        query = query.where(visible_condition())
    found = {p.id: p for p in session.scalars(query)}
    return [found[i] for i in wanted if i in found]


def stock_totals(session: Session, product_ids: Iterable[int]) -> dict[int, int]:
    """The sellable stock of each product (its active SKUs summed), in one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = session.execute(select(Sku.product_id, func.sum(Sku.stock))
                           .where(Sku.product_id.in_(ids), Sku.retired_at.is_(None))
                           .group_by(Sku.product_id))
    totals = {i: 0 for i in ids}
    totals.update({pid: int(total or 0) for pid, total in rows})
    return totals


def product_categories(session: Session, product_ids: Iterable[int]) -> dict[int, int | None]:
    """The category of each product, deleted ones included (what a past order bought)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    return dict(session.execute(select(Product.id, Product.category_id)
                                .where(Product.id.in_(ids))).all())
