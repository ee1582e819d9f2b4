"""Writing checked drafts to the catalog, a chunk per transaction.

New products of a chunk are inserted in bulk (products, SKUs, opening stock ledger rows,
tags and search documents: a handful of statements for the whole chunk) inside a
savepoint; should that fail (a code taken meanwhile...), the savepoint is rolled back and
the chunk's new products go one by one through ``create_product``, each in its own
savepoint, so the faulty one is named and no product is ever half written. Existing
products go through ``update_product`` (one savepoint each) unless nothing changed.

Image URLs become external media assets (``adopt_external``), whose copy into the library
is queued after the chunk commits; an unreachable image is the copy job's business and
never fails the import.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import MallkitError, ValidationFailed
from runtime.media.models import MediaAsset
from runtime.media.refs import load_assets
from runtime.modules.catalog import products as catalog_products
from runtime.modules.catalog import search, taxonomy
from runtime.modules.catalog.effects import on_catalog_changed
from runtime.modules.catalog.importing.drafts import CellRef, ProductDraft
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.importing.validate import (
    Lookups,
    catalog_payload,
    report_field_error,
)
from runtime.modules.catalog.models import (
    Product,
    ProductStatus,
    ProductTag,
    SearchDocument,
    Sku,
    StockLedgerEntry,
)
from runtime.modules.catalog.stock import Reason
from runtime.modules.catalog.validation import sanitize_html

log = logging.getLogger(__name__)

SKU_COMPARE = ("price_fen", "original_price_fen", "cost_fen", "stock", "code", "barcode",
               "weight_g", "low_stock_threshold")


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[ProductDraft] = field(default_factory=list)
    image_products: list[int] = field(default_factory=list)
    image_urls: set[str] = field(default_factory=set)


@dataclass
class _Ready:
    """A draft with its category resolved and its image references made."""

    draft: ProductDraft
    product_id: int | None
    category_id: int | None
    images: list[dict[str, Any]] | None
    sku_images: list[dict[str, Any] | None]


class CatalogWriter:
    """Writes chunks of checked drafts for one import (one shop, one session)."""

    def __init__(self, session: Session, lookups: Lookups) -> None:
        self.session = session
        self.lookups = lookups
        self.shop_id = current_shop_id(session)

    # --- one chunk ------------------------------------------------------------------------

    def write_chunk(self, items: Sequence[tuple[ProductDraft, int | None]]) -> ChunkResult:
        """Write ``(draft, existing product id or None)`` pairs; the caller commits."""
        result = ChunkResult()
        existing = [pid for _d, pid in items if pid is not None]
        state = self._current_state(existing)
        todo: list[tuple[ProductDraft, int | None]] = []
        for draft, product_id in items:
            if product_id is not None and self._unchanged(draft, *state[product_id]):
                result.unchanged += 1
            else:
                todo.append((draft, product_id))
        ready: list[_Ready] = []
        for draft, product_id in todo:
            prepared = self._prepare(draft, product_id)
            if prepared is None:
                result.failed.append(draft)
            else:
                ready.append(prepared)
        new = [r for r in ready if r.product_id is None]
        if new:
            created = self._bulk_create(new)
            if created is not None:
                result.created += len(new)
                result.image_products += [pid for pid, item in zip(created, new, strict=True)
                                          if _has_urls(item)]
            else:
                for item in new:
                    product_id = self._save_one(item)
                    if product_id is None:
                        result.failed.append(item.draft)
                        continue
                    result.created += 1
                    if _has_urls(item):
                        result.image_products.append(product_id)
        for item in ready:
            if item.product_id is None:
                continue
            if self._save_one(item) is None:
                result.failed.append(item.draft)
                continue
            result.updated += 1
            if _has_urls(item):
                result.image_products.append(item.product_id)
        failed = {id(d) for d in result.failed}
        for item in ready:
            if id(item.draft) not in failed:
                result.image_urls.update(_urls(item))
        if result.created or result.updated:
            on_catalog_changed(self.session, self.shop_id)
        return result

    # --- categories and images ------------------------------------------------------------

    def _prepare(self, draft: ProductDraft, product_id: int | None) -> _Ready | None:
        """Resolve (or create, in a savepoint) the category; make the image references."""
        try:
            category_id = self._category(draft)
        except _CellFailure as failure:
            draft.fail(failure.cell, failure.message)
            return None
        images = [image_ref(t) for t, _ in draft.images] if draft.images is not None else None
        sku_images = [image_ref(s.image) if s.image else None for s in draft.skus]
        return _Ready(draft, product_id, category_id, images, sku_images)

    def _category(self, draft: ProductDraft) -> int | None:
        if not draft.category:
            return None
        found = self.lookups.category_id(draft.category)
        if found is not None:
            return found
        created: list[tuple[tuple[str, ...], int]] = []
        try:
            with self.session.begin_nested():
                parent: int | None = None
                for depth in range(1, len(draft.category) + 1):
                    path = tuple(draft.category[:depth])
                    known = self.lookups.categories.get(path)
                    if known is None:
                        known = taxonomy.create_category(
                            self.session, {"name": path[-1], "parent_id": parent}).id
                        created.append((path, known))
                    parent = known
        except ValidationFailed as error:
            raise _CellFailure(draft.cell("category_id"), Msg(
                error.errors[0].message if error.errors else error.detail)) from None
        for path, category_id in created:
            self.lookups.categories[path] = category_id
            self.lookups.category_names.setdefault(path[-1], []).append(category_id)
        return parent

    # --- unchanged products ---------------------------------------------------------------

    def _current_state(self, product_ids: list[int]) -> dict[int, tuple[Any, ...]]:
        if not product_ids:
            return {}
        products = {p.id: p for p in self.session.scalars(
            select(Product).where(Product.id.in_(product_ids)))}
        skus = catalog_products.skus_of(self.session, product_ids)
        tags = taxonomy.product_tag_names(self.session, product_ids)
        refs: list[Any] = []
        for product in products.values():
            refs += product.images or []
        for rows in skus.values():
            refs += [s.image for s in rows if s.image]
        assets = load_assets(self.session, refs)
        return {pid: (products.get(pid), skus.get(pid, []), tags.get(pid, []), assets)
                for pid in product_ids}

    def _unchanged(self, draft: ProductDraft, product: Product | None, skus: list[Sku],
                   tags: list[str], assets: dict[int, MediaAsset]) -> bool:
        if product is None or product.deleted_at is not None:
            return False
        fields = draft.fields
        for name in ("title", "subtitle", "unit", "status"):
            if name in fields and fields[name] != getattr(product, name):
                return False
        if ("description_html" in fields
                and sanitize_html(fields["description_html"]) != product.description_html):
            return False
        if "tags" in fields and list(dict.fromkeys(fields["tags"])) != tags:
            return False
        if draft.code is not None and draft.code != product.code:
            return False
        if draft.category is not None:
            wanted = self.lookups.category_id(draft.category) if draft.category else None
            if wanted is None and draft.category:
                return False
            if wanted != product.category_id:
                return False
        if draft.images is not None and not _same_images(
                [t for t, _ in draft.images], product.images or [], assets):
            return False
        specs = [{"name": s["name"], "values": list(s["values"])} for s in draft.specs]
        if specs != [{"name": s["name"], "values": list(s["values"])}
                     for s in product.specs or []]:
            return False
        if len(skus) != len(draft.skus):
            return False
        by_key = {catalog_products.spec_key(s.spec_values): s for s in skus}
        for sku_draft in draft.skus:
            sku = by_key.get(catalog_products.spec_key(sku_draft.spec_values))
            if sku is None:
                return False
            for name in SKU_COMPARE:
                if name in sku_draft.values and sku_draft.values[name] != getattr(sku, name):
                    return False
            if sku_draft.has("image") or sku_draft.image:
                wanted = [sku_draft.image] if sku_draft.image else []
                if not _same_images(wanted, [sku.image] if sku.image else [], assets):
                    return False
        return True

    # --- writing --------------------------------------------------------------------------

    def _payload(self, item: _Ready) -> dict[str, Any]:
        data = catalog_payload(item.draft, images=item.images, sku_images=item.sku_images)
        if item.draft.code is not None:
            data["code"] = item.draft.code
        if item.draft.category is not None:
            data["category_id"] = item.category_id
        return data

    def _save_one(self, item: _Ready) -> int | None:
        """Create or update one product through the catalog service, in a savepoint;
        its id, or None when it failed (the reasons are on the draft)."""
        draft = item.draft
        try:
            with self.session.begin_nested():
                if item.product_id is None:
                    product = catalog_products.create_product(self.session,
                                                              self._payload(item))
                else:
                    product = catalog_products.update_product(self.session, item.product_id,
                                                              self._payload(item))
        except ValidationFailed as error:
            for field_error in error.errors or []:
                report_field_error(draft, field_error)
            if not error.errors:
                draft.fail(None, Msg("could not be saved: {reason}", reason=error.detail))
            return None
        except MallkitError as error:
            draft.fail(None, Msg("could not be saved: {reason}", reason=error.detail))
            return None
        except SQLAlchemyError as error:
            log.info("import: product %s not saved", draft.label, exc_info=True)
            draft.fail(None, Msg("could not be saved: {reason}",
                                 reason=str(getattr(error, "orig", None) or error)[:200]))
            return None
        return product.id

    def _bulk_create(self, items: list[_Ready]) -> list[int] | None:
        """Insert new products in bulk; their ids, or None (nothing written) when the
        database refuses the batch."""
        try:
            with self.session.begin_nested():
                return self._insert(items)
        except (SQLAlchemyError, MallkitError):
            log.info("import: bulk insert of %s products refused; saving them one by one",
                     len(items), exc_info=True)
            return None

    def _insert(self, items: list[_Ready]) -> list[int]:
        session, shop_id, now = self.session, self.shop_id, utcnow()
        tag_names = list(dict.fromkeys(t for item in items
                                       for t in item.draft.fields.get("tags", [])))
        tag_ids = {t.name: t.id for t in taxonomy.tags_by_name(session, tag_names)}
        stamp = {"shop_id": shop_id, "created_at": now, "updated_at": now}
        product_rows: list[dict[str, Any]] = []
        plans: list[list[dict[str, Any]]] = []
        for item in items:
            skus = _sku_rows(item, stamp)
            plans.append(skus)
            product_rows.append(_product_row(item, skus, stamp))
        # Core inserts of the tables (the ORM's bulk form does not pass the tenancy guard's
        # statement check); every row carries the current shop's id.
        products, sku_table = Product.__table__, Sku.__table__
        product_ids = list(session.scalars(
            insert(products).returning(products.c.id, sort_by_parameter_order=True),
            product_rows))
        sku_rows = []
        for product_id, skus in zip(product_ids, plans, strict=True):
            for row in skus:
                row["product_id"] = product_id
                sku_rows.append(row)
        sku_ids = list(session.scalars(
            insert(sku_table).returning(sku_table.c.id, sort_by_parameter_order=True),
            sku_rows))
        ledger = [{**stamp, "sku_id": sku_id, "product_id": row["product_id"],
                   "delta": row["stock"], "balance": row["stock"], "reason": Reason.INITIAL,
                   "reference": f"product:{row['product_id']}", "idempotency_key": None}
                  for sku_id, row in zip(sku_ids, sku_rows, strict=True) if row["stock"] > 0]
        if ledger:
            session.execute(insert(StockLedgerEntry.__table__), ledger)
        links, documents = [], []
        for product_id, item, row in zip(product_ids, items, product_rows, strict=True):
            names = list(dict.fromkeys(item.draft.fields.get("tags", [])))
            links += [{"shop_id": shop_id, "product_id": product_id, "tag_id": tag_ids[n],
                       "created_at": now, "updated_at": now} for n in names]
            tokens = " ".join(search.document_tokens(row["title"], row["subtitle"], *names,
                                                     row["code"] or ""))
            documents.append({**stamp, "product_id": product_id, "tokens": tokens})
        if links:
            session.execute(insert(ProductTag.__table__), links)
        session.execute(insert(SearchDocument.__table__), documents)
        return product_ids


class _CellFailure(Exception):
    def __init__(self, cell: CellRef, message: Msg) -> None:
        super().__init__(message.text)
        self.cell = cell
        self.message = message


def image_ref(token: str) -> dict[str, Any]:
    """An image cell as a reference: ``media:<id>`` names a library image, a URL is kept
    as ``{"url"}`` until the follow-up job adopts it."""
    if token.lower().startswith("media:"):
        return {"media_id": int(token.split(":", 1)[1])}
    return {"url": token}


def _urls(item: _Ready) -> list[str]:
    refs = [*(item.images or []), *item.sku_images]
    return [ref["url"] for ref in refs if isinstance(ref, dict) and "url" in ref]


def _has_urls(item: _Ready) -> bool:
    return bool(_urls(item))


def _same_images(tokens: list[str], refs: list[Any], assets: dict[int, MediaAsset]) -> bool:
    if len(tokens) != len(refs):
        return False
    for token, ref in zip(tokens, refs, strict=True):
        if not isinstance(ref, dict):
            return False
        if token.lower().startswith("media:"):
            if ref.get("media_id") != int(token.split(":", 1)[1]):
                return False
        elif "url" in ref:
            if ref["url"] != token:
                return False
        else:
            asset = assets.get(ref.get("media_id"))  # type: ignore[arg-type]
            if asset is None or asset.external_url != token:
                return False
    return True


def _sku_rows(item: _Ready, stamp: dict[str, Any]) -> list[dict[str, Any]]:
    """The SKU rows of a new product in matrix order (what ``create_product`` writes)."""
    draft = item.draft
    combos = (list(itertools.product(*[s["values"] for s in draft.specs]))
              if draft.specs else [()])
    position = {combo: i for i, combo in enumerate(combos)}
    rows = []
    for sku, image in sorted(zip(draft.skus, item.sku_images, strict=True),
                             key=lambda pair: position[pair[0].spec_values]):
        values = sku.values
        rows.append({
            **stamp, "spec_values": list(sku.spec_values),
            "spec_key": catalog_products.spec_key(sku.spec_values),
            "position": position[sku.spec_values], "price_fen": values["price_fen"],
            "original_price_fen": values.get("original_price_fen"),
            "cost_fen": values.get("cost_fen"), "stock": values.get("stock") or 0,
            "code": values.get("code"), "barcode": values.get("barcode"),
            "weight_g": values.get("weight_g"), "image": image,
            "low_stock_threshold": values.get("low_stock_threshold"), "retired_at": None})
    return rows


def _product_row(item: _Ready, skus: list[dict[str, Any]],
                 stamp: dict[str, Any]) -> dict[str, Any]:
    fields = item.draft.fields
    cheapest = min(skus, key=lambda row: (row["price_fen"], row["position"]))
    return {
        **stamp, "code": item.draft.code, "title": fields["title"],
        "subtitle": fields.get("subtitle", ""), "category_id": item.category_id,
        "images": item.images or [], "video": None,
        "description_html": sanitize_html(fields.get("description_html", "")),
        "unit": fields.get("unit") or "件", "weight_g": None,
        "specs": [{"name": s["name"], "values": list(s["values"])}
                  for s in item.draft.specs],
        "status": fields.get("status") or ProductStatus.DRAFT.value, "on_sale_at": None,
        "off_sale_at": None, "sales_count": 0, "sales_base": 0, "limit_per_order": None,
        "limit_per_customer": None, "min_price_fen": cheapest["price_fen"],
        "max_price_fen": max(row["price_fen"] for row in skus),
        "original_price_fen": cheapest["original_price_fen"], "sort_weight": 0,
        "deleted_at": None}

