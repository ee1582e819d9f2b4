"""Products and their spec/SKU matrix: create, update, status, schedule, delete.

``create_product(session, data)`` and ``update_product(session, product_id, data)`` take
plain dicts (what the console, the API and importers send) and validate them here; errors
come back as one :class:`ValidationFailed` with a JSON pointer per problem. Products are
matched by ``code`` and SKUs by their spec values (or ``code``) so importers can upsert.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.catalog import locks, search, stock
from runtime.modules.catalog.effects import on_catalog_changed, schedule_timers
from runtime.modules.catalog.errors import CatalogErrorCode, not_found
from runtime.modules.catalog.models import (
    Category,
    Product,
    ProductStatus,
    ProductTag,
    Sku,
)
from runtime.modules.catalog.taxonomy import add_to_groups, product_tag_names, tags_by_name
from runtime.modules.catalog.validation import MISSING, Checker, sanitize_html

MAX_SPECS = 3
MAX_SPEC_VALUES = 50
MAX_SKUS = 600
SPEC_SEPARATOR = "\u001f"

PRODUCT_FIELDS = ("code", "title", "subtitle", "category_id", "images", "video",
                  "description_html", "unit", "weight_g", "status", "on_sale_at", "off_sale_at",
                  "sales_base", "limit_per_order", "limit_per_customer", "sort_weight", "tags",
                  "group_ids", "specs", "skus")
SKU_FIELDS = ("id", "spec_values", "price_fen", "original_price_fen", "cost_fen", "stock",
              "code", "barcode", "weight_g", "image", "low_stock_threshold")


def spec_key(values: Sequence[str]) -> str:
    return SPEC_SEPARATOR.join(values)


# --- reading ------------------------------------------------------------------------------


def get_product(session: Session, product_id: int, *, include_deleted: bool = False) -> Product:
    product = session.get(Product, product_id) if isinstance(product_id, int) else None
    if product is None or (product.deleted_at is not None and not include_deleted):
        raise not_found("product", product_id, CatalogErrorCode.PRODUCT_NOT_FOUND)
    return product


def find_product_by_code(session: Session, code: str) -> Product | None:
    return session.scalar(select(Product).where(Product.code == code,
                                                Product.deleted_at.is_(None)))


def find_sku_by_code(session: Session, code: str) -> Sku | None:
    return session.scalar(select(Sku).where(Sku.code == code, Sku.retired_at.is_(None)))


def get_sku(session: Session, sku_id: int) -> Sku:
    sku = session.get(Sku, sku_id) if isinstance(sku_id, int) else None
    if sku is None:
        raise not_found("SKU", sku_id, CatalogErrorCode.SKU_NOT_FOUND)
    return sku


def product_skus(session: Session, product_id: int, *, include_retired: bool = False
                 ) -> list[Sku]:
    query = select(Sku).where(Sku.product_id == product_id)
    if not include_retired:
        query = query.where(Sku.retired_at.is_(None))
    return list(session.scalars(query.order_by(Sku.position, Sku.id)))


def skus_of(session: Session, product_ids: Iterable[int]) -> dict[int, list[Sku]]:
    """Active SKUs of several products in one query."""
    ids = list(product_ids)
    result: dict[int, list[Sku]] = {i: [] for i in ids}
    if ids:
        for sku in session.scalars(select(Sku).where(Sku.product_id.in_(ids),
                                                     Sku.retired_at.is_(None))
                                   .order_by(Sku.product_id, Sku.position, Sku.id)):
            result[sku.product_id].append(sku)
    return result


def is_visible(product: Product, now: datetime | None = None) -> bool:
    """Whether shoppers may see the product right now."""
    now = now or utcnow()
    return (product.deleted_at is None and product.status == ProductStatus.ON_SALE
            and (product.off_sale_at is None or product.off_sale_at > now))


# --- validation ---------------------------------------------------------------------------


@dataclass
class SkuInput:
    index: int
    values: dict[str, Any]
    spec_values: tuple[str, ...] | None
    sku_id: int | None


def _specs(value: Any, check: Checker) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        check.add("/specs", "must be a list of {name, values}", "type")
        return None
    if len(value) > MAX_SPECS:
        check.add("/specs", f"at most {MAX_SPECS} specs (e.g. 颜色 × 尺码)", "max_items")
        return None
    specs: list[dict[str, Any]] = []
    names: set[str] = set()
    combos = 1
    for i, spec in enumerate(value):
        pointer = f"/specs/{i}"
        if not isinstance(spec, Mapping):
            check.add(pointer, "must be an object with name and values", "type")
            continue
        name = check.text(spec, "name", pointer, required=True, max_len=20)
        if isinstance(name, str) and name:
            if name in names:
                check.add(f"{pointer}/name", f"spec {name!r} appears twice", "duplicate")
            names.add(name)
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            check.add(f"{pointer}/values", "must be a non-empty list of strings", "required")
            continue
        if len(values) > MAX_SPEC_VALUES:
            check.add(f"{pointer}/values", f"at most {MAX_SPEC_VALUES} values", "max_items")
            continue
        clean: list[str] = []
        for j, item in enumerate(values):
            if not isinstance(item, str) or not item.strip() or len(item.strip()) > 40:
                check.add(f"{pointer}/values/{j}", "a value of 1-40 characters", "type")
            elif item.strip() in clean:
                check.add(f"{pointer}/values/{j}", f"value {item.strip()!r} appears twice",
                          "duplicate")
            elif SPEC_SEPARATOR in item:
                check.add(f"{pointer}/values/{j}", "contains a control character", "pattern")
            else:
                clean.append(item.strip())
        combos *= max(len(clean), 1)
        specs.append({"name": name, "values": clean})
    if combos > MAX_SKUS:
        check.add("/specs", f"the specs make {combos} SKUs; at most {MAX_SKUS}", "max_items")
    return specs


def _sku_inputs(value: Any, check: Checker) -> list[SkuInput] | None:
    if not isinstance(value, list):
        check.add("/skus", "must be a list of SKUs", "type")
        return None
    if len(value) > MAX_SKUS:
        check.add("/skus", f"at most {MAX_SKUS} SKUs", "max_items")
        return None
    inputs: list[SkuInput] = []
    for i, raw in enumerate(value):
        pointer = f"/skus/{i}"
        if not isinstance(raw, Mapping):
            check.add(pointer, "must be an object", "type")
            continue
        for key in sorted(set(raw) - set(SKU_FIELDS)):
            check.add(f"{pointer}/{key}", "unknown field", "unknown")
        spec_values = raw.get("spec_values", MISSING)
        parsed: tuple[str, ...] | None = None
        if spec_values is not MISSING:
            if not isinstance(spec_values, list) or not all(isinstance(v, str)
                                                           for v in spec_values):
                check.add(f"{pointer}/spec_values", "must be a list of spec values", "type")
            else:
                parsed = tuple(v.strip() for v in spec_values)
        sku_id = raw.get("id")
        if sku_id is not None and (isinstance(sku_id, bool) or not isinstance(sku_id, int)):
            check.add(f"{pointer}/id", "must be a SKU id", "type")
            sku_id = None
        values = {
            "price_fen": check.integer(raw, "price_fen", pointer),
            "original_price_fen": check.integer(raw, "original_price_fen", pointer,
                                                nullable=True),
            "cost_fen": check.integer(raw, "cost_fen", pointer, nullable=True),
            "stock": check.integer(raw, "stock", pointer, maximum=100_000_000),
            "code": check.text(raw, "code", pointer, max_len=64, nullable=True),
            "barcode": check.text(raw, "barcode", pointer, max_len=64, nullable=True),
            "weight_g": check.integer(raw, "weight_g", pointer, nullable=True,
                                      maximum=1_000_000),
            "image": (check.optional_image(raw, "image", pointer)),
            "low_stock_threshold": check.integer(raw, "low_stock_threshold", pointer,
                                                 nullable=True, maximum=100_000_000),
        }
        price, original = values["price_fen"], values["original_price_fen"]
        if isinstance(price, int) and isinstance(original, int) and original < price:
            check.add(f"{pointer}/original_price_fen",
                      "the original (strike-through) price must not be below the price", "range")
        inputs.append(SkuInput(i, {k: v for k, v in values.items() if v is not MISSING},
                               parsed, sku_id))
    return inputs


def _product_fields(session: Session, data: Mapping[str, Any], check: Checker, *,
                    creating: bool, product: Product | None) -> dict[str, Any]:
    for key in sorted(set(data) - set(PRODUCT_FIELDS)):
        check.add(f"/{key}", "unknown field", "unknown")
    values: dict[str, Any] = {
        "code": check.text(data, "code", "", max_len=64, nullable=True),
        "title": check.text(data, "title", "", required=creating, blank=False, max_len=120),
        "subtitle": check.text(data, "subtitle", "", max_len=200),
        "images": check.images(data, "images", ""),
        "video": check.optional_image(data, "video", ""),
        "unit": check.text(data, "unit", "", max_len=16),
        "weight_g": check.integer(data, "weight_g", "", nullable=True, maximum=1_000_000),
        "status": check.choice(data, "status", "", tuple(ProductStatus)),
        "on_sale_at": check.moment(data, "on_sale_at", ""),
        "off_sale_at": check.moment(data, "off_sale_at", ""),
        "sales_base": check.integer(data, "sales_base", "", maximum=100_000_000),
        "limit_per_order": check.integer(data, "limit_per_order", "", nullable=True,
                                         minimum=1, maximum=100_000),
        "limit_per_customer": check.integer(data, "limit_per_customer", "", nullable=True,
                                            minimum=1, maximum=100_000),
        "sort_weight": check.integer(data, "sort_weight", "", minimum=-1_000_000,
                                     maximum=1_000_000),
    }
    if "description_html" in data:
        html = data["description_html"]
        if not isinstance(html, str) or len(html) > 200_000:
            check.add("/description_html", "must be HTML text of at most 200000 characters",
                      "type")
        else:
            values["description_html"] = sanitize_html(html)
    if "category_id" in data:
        category_id = data["category_id"]
        if category_id is None:
            values["category_id"] = None
        elif isinstance(category_id, bool) or not isinstance(category_id, int):
            check.add("/category_id", "must be a category id or null", "type")
        elif session.get(Category, category_id) is None:
            check.add("/category_id", f"no category {category_id}", "not_found")
        else:
            values["category_id"] = category_id
    if isinstance(values["code"], str):
        clash = session.scalar(select(Product.id).where(
            Product.code == values["code"], Product.deleted_at.is_(None),
            Product.id != (product.id if product else 0)))
        if clash is not None:
            check.add("/code", f"product {clash} already has the code {values['code']!r}",
                      CatalogErrorCode.CODE_TAKEN.value)
    on_at = values["on_sale_at"] if values["on_sale_at"] is not MISSING else (
        product.on_sale_at if product else None)
    off_at = values["off_sale_at"] if values["off_sale_at"] is not MISSING else (
        product.off_sale_at if product else None)
    if on_at is not None and off_at is not None and off_at <= on_at:
        check.add("/off_sale_at", "must be after on_sale_at", "range")
    status = values["status"] if values["status"] is not MISSING else (
        product.status if product else ProductStatus.DRAFT)
    if (status == ProductStatus.ON_SALE and values["on_sale_at"] not in (MISSING, None)
            and values["on_sale_at"] > utcnow()):
        check.add("/on_sale_at", "the product is already on sale; set the status to draft "
                                 "or off_shelf to schedule it", "conflict")
    return {k: v for k, v in values.items() if v is not MISSING}


def _tag_names(data: Mapping[str, Any], check: Checker) -> list[str] | None:
    if "tags" not in data:
        return None
    tags = data["tags"]
    if not isinstance(tags, list) or len(tags) > 30:
        check.add("/tags", "must be a list of at most 30 tag names", "type")
        return None
    names: list[str] = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, str) or not tag.strip() or len(tag.strip()) > 40:
            check.add(f"/tags/{i}", "a tag name of 1-40 characters", "type")
        else:
            names.append(tag.strip())
    return list(dict.fromkeys(names))


def _check_sku_codes(session: Session, inputs: list[SkuInput], own: set[int],
                     check: Checker) -> None:
    """SKU codes are unique among the shop's active SKUs (this product's own may move)."""
    codes: dict[str, int] = {}
    for item in inputs:
        code = item.values.get("code")
        if code:
            if code in codes:
                check.add(f"/skus/{item.index}/code", f"code {code!r} appears twice",
                          "duplicate")
            codes[code] = item.index
    if not codes:
        return
    taken = session.execute(select(Sku.code, Sku.id).where(
        Sku.code.in_(list(codes)), Sku.retired_at.is_(None))).all()
    for code, sku_id in taken:
        if sku_id not in own:
            check.add(f"/skus/{codes[code]}/code", f"code {code!r} is used by SKU {sku_id}",
                      CatalogErrorCode.CODE_TAKEN.value)


def _image_refs(fields: Mapping[str, Any], inputs: list[SkuInput] | None
                ) -> list[tuple[str, dict[str, Any]]]:
    refs = [(f"/images/{i}", ref) for i, ref in enumerate(fields.get("images") or [])]
    if fields.get("video"):
        refs.append(("/video", fields["video"]))
    refs += [(f"/skus/{item.index}/image", item.values["image"]) for item in inputs or []
             if item.values.get("image")]
    return refs


# --- the SKU matrix -----------------------------------------------------------------------


def _matrix(specs: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    if not specs:
        return [()]
    return list(itertools.product(*[spec["values"] for spec in specs]))


def _apply_matrix(session: Session, product: Product, specs: list[dict[str, Any]],
                  inputs: list[SkuInput] | None, check: Checker, *,
                  locked: list[Sku]) -> list[tuple[Sku, int | None, bool]]:
    """Keep, revive, create and retire SKUs so they are exactly the spec matrix.

    Returns ``(sku, wanted_stock, is_new)`` for the stock step that follows the flush.
    """
    combos = _matrix(specs)
    by_key = {sku.spec_key: sku for sku in locked}
    by_id = {sku.id: sku for sku in locked}
    combo_keys = {spec_key(c): c for c in combos}
    entries: dict[str, SkuInput] = {}
    for item in inputs or []:
        values = item.spec_values
        if values is None and item.sku_id is not None:
            known = by_id.get(item.sku_id)
            if known is None:
                check.add(f"/skus/{item.index}/id", f"no SKU {item.sku_id} on this product",
                          "not_found")
                continue
            values = tuple(known.spec_values)
        if values is None:
            if len(combos) == 1 and combos[0] == ():
                values = ()
            else:
                check.add(f"/skus/{item.index}/spec_values", "is required", "required")
                continue
        key = spec_key(values)
        if key not in combo_keys:
            check.add(f"/skus/{item.index}/spec_values",
                      f"{'/'.join(values) or '(none)'} is not a combination of the specs",
                      "not_in_matrix")
        elif key in entries:
            check.add(f"/skus/{item.index}/spec_values",
                      f"{'/'.join(values)} appears twice", "duplicate")
        else:
            entries[key] = item

    now = utcnow()
    plan: list[tuple[Sku, int | None, bool]] = []
    for position, combo in enumerate(combos):
        key = spec_key(combo)
        entry = entries.get(key)
        fields = dict(entry.values) if entry else {}
        wanted_stock = fields.pop("stock", None)
        sku = by_key.get(key)
        if sku is None:
            if "price_fen" not in fields:
                pointer = f"/skus/{entry.index}/price_fen" if entry else "/skus"
                check.add(pointer, f"the new SKU {'/'.join(combo) or '(default)'} needs a "
                                   "price_fen", "required")
                continue
            sku = Sku(product_id=product.id, spec_values=list(combo), spec_key=key, stock=0,
                      position=position, **fields)
            session.add(sku)
            plan.append((sku, wanted_stock or 0, True))
            continue
        for name, value in fields.items():
            setattr(sku, name, value)
        sku.position = position
        if sku.retired_at is not None:
            sku.retired_at = None
        if (sku.original_price_fen is not None and sku.original_price_fen < sku.price_fen
                and entry is not None):
            check.add(f"/skus/{entry.index}/original_price_fen",
                      "the original (strike-through) price must not be below the price", "range")
        plan.append((sku, wanted_stock, False))
    for sku in locked:
        if sku.spec_key not in combo_keys and sku.retired_at is None:
            sku.retired_at = now
    return plan


def _refresh_prices(product: Product, skus: Sequence[Sku]) -> None:
    active = [s for s in skus if s.retired_at is None]
    if not active:
        return
    cheapest = min(active, key=lambda s: (s.price_fen, s.id or 0))
    product.min_price_fen = cheapest.price_fen
    product.max_price_fen = max(s.price_fen for s in active)
    product.original_price_fen = cheapest.original_price_fen


# --- writing ------------------------------------------------------------------------------


def create_product(session: Session, data: Mapping[str, Any]) -> Product:
    """Create a product with its SKU matrix (``skus`` is required: one entry per cell)."""
    if not isinstance(data, Mapping):
        raise ValidationFailed.single("", "must be an object", "type")
    if "skus" not in data:
        raise ValidationFailed.single("/skus", "is required: one entry per spec combination "
                                               "(a single entry when there are no specs)",
                                      "required")
    return _save(session, None, data)


def update_product(session: Session, product_id: int, data: Mapping[str, Any]) -> Product:
    """Change the fields present in ``data``; ``specs`` regenerates the matrix, keeping the
    SKUs (id, stock) whose combination still exists and retiring the rest."""
    if not isinstance(data, Mapping):
        raise ValidationFailed.single("", "must be an object", "type")
    return _save(session, product_id, data)


def upsert_product(session: Session, data: Mapping[str, Any]) -> tuple[Product, bool]:
    """Update the product with ``data["code"]`` or create it; True when created."""
    code = data.get("code")
    existing = find_product_by_code(session, code) if isinstance(code, str) and code else None
    if existing is None:
        return create_product(session, data), True
    return update_product(session, existing.id, data), False


def _save(session: Session, product_id: int | None, data: Mapping[str, Any]) -> Product:
    creating = product_id is None
    locked: list[Sku] = []
    product: Product | None = None
    if not creating:
        locked = list(session.scalars(locks.product_skus_for_update(product_id)
                                      .execution_options(populate_existing=True)))
        product = session.scalars(locks.products_for_update([product_id])
                                  .execution_options(populate_existing=True)).first()
        if product is None or product.deleted_at is not None:
            raise not_found("product", product_id, CatalogErrorCode.PRODUCT_NOT_FOUND)

    check = Checker()
    fields = _product_fields(session, data, check, creating=creating, product=product)
    tag_names = _tag_names(data, check)
    group_ids = check.id_list(data, "group_ids", "")
    specs = _specs(data["specs"], check) if "specs" in data else None
    inputs = _sku_inputs(data["skus"], check) if "skus" in data else None
    if inputs:
        _check_sku_codes(session, inputs, {sku.id for sku in locked}, check)
    check.media_exist(session, _image_refs(fields, inputs))
    check.done()

    if product is None:
        product = Product(**{k: v for k, v in fields.items()}, specs=specs or [])
        session.add(product)
        session.flush()
    else:
        for key, value in fields.items():
            setattr(product, key, value)
        if specs is not None:
            product.specs = specs
        if (fields.get("status") == ProductStatus.ON_SALE and "on_sale_at" not in fields
                and product.on_sale_at is not None):
            product.on_sale_at = fields["on_sale_at"] = None

    plan: list[tuple[Sku, int | None, bool]] = []
    if specs is not None or inputs is not None:
        plan = _apply_matrix(session, product, list(product.specs), inputs, check,
                             locked=locked)
        check.done()
    session.flush()
    for sku, wanted, is_new in plan:
        if is_new and wanted:
            stock.adjust(session, sku, wanted, stock.Reason.INITIAL,
                         reference=f"product:{product.id}")
        elif not is_new and wanted is not None:
            stock.set_level(session, sku, wanted, reference=f"product:{product.id}")
    if plan:
        _refresh_prices(product, product_skus(session, product.id))

    if tag_names is not None:
        _set_tags(session, product, tag_names)
    if group_ids is not MISSING:
        add_to_groups(session, [product.id], group_ids, replace=True)

    apply_due_schedule(product, utcnow())
    session.flush()
    reindex_products(session, [product.id])
    if "on_sale_at" in fields or "off_sale_at" in fields:
        schedule_timers(session, product.shop_id, product.id, product.on_sale_at,
                        product.off_sale_at)
    on_catalog_changed(session, product.shop_id)
    return product


def _set_tags(session: Session, product: Product, names: list[str]) -> None:
    tags = tags_by_name(session, names)
    session.execute(delete(ProductTag).where(ProductTag.product_id == product.id))
    session.add_all(ProductTag(product_id=product.id, tag_id=t.id) for t in tags)
    session.flush()


def reindex_products(session: Session, product_ids: Iterable[int]) -> None:
    """Rewrite the search documents of some products (after a write that changes them)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    names = product_tag_names(session, ids)
    for product in session.scalars(select(Product).where(Product.id.in_(ids))):
        search.index_product(session, product, names.get(product.id, []))


def apply_due_schedule(product: Product, now: datetime) -> bool:
    """Put the product on sale / off the shelf if its scheduled time has come; the time is
    cleared once applied. True when the status changed."""
    changed = False
    if product.on_sale_at is not None and product.on_sale_at <= now:
        if product.off_sale_at is None or product.off_sale_at > now:
            changed = product.status != ProductStatus.ON_SALE
            product.status = ProductStatus.ON_SALE
        product.on_sale_at = None
    if product.off_sale_at is not None and product.off_sale_at <= now:
        changed = changed or product.status == ProductStatus.ON_SALE
        if product.status == ProductStatus.ON_SALE:
            product.status = ProductStatus.OFF_SHELF
        product.off_sale_at = None
    return changed


def set_status(session: Session, product_ids: Iterable[int], status: str) -> list[Product]:
    """Bulk on/off shelf (or back to draft). Unknown ids are reported, nothing is changed."""
    if status not in tuple(ProductStatus):
        raise ValidationFailed.single("/status", f"must be one of {', '.join(ProductStatus)}",
                                      "enum")
    products = _products_for_bulk(session, product_ids)
    for product in products:
        product.status = status
        if status == ProductStatus.ON_SALE:
            product.on_sale_at = None
    session.flush()
    for product in products:
        schedule_timers(session, product.shop_id, product.id, product.on_sale_at,
                        product.off_sale_at)
    on_catalog_changed(session, current_shop_id(session))
    return products


def delete_products(session: Session, product_ids: Iterable[int]) -> list[Product]:
    """Take products out of the catalog for good. The rows (and their SKUs) stay, marked,
    so existing orders keep their references; codes become free for reuse."""
    products = _products_for_bulk(session, product_ids)
    now = utcnow()
    ids = [p.id for p in products]
    for sku in session.scalars(select(Sku).where(Sku.product_id.in_(ids),
                                                 Sku.retired_at.is_(None))):
        sku.retired_at = now
    for product in products:
        product.deleted_at = now
        product.status = ProductStatus.OFF_SHELF
        product.on_sale_at = product.off_sale_at = None
    session.flush()
    for product in products:
        search.index_product(session, product, [])
        schedule_timers(session, product.shop_id, product.id, None, None)
    on_catalog_changed(session, current_shop_id(session))
    return products


def place_in_group(session: Session, product_ids: Iterable[int], group_id: int, *,
                   move: bool = False) -> list[Product]:
    """Bulk 移动分组: put products in a manual group (``move``: and out of all others)."""
    products = _products_for_bulk(session, product_ids)
    add_to_groups(session, [p.id for p in products], [group_id], replace=move)
    return products


def _products_for_bulk(session: Session, product_ids: Iterable[int]) -> list[Product]:
    ids = list(dict.fromkeys(product_ids))
    if not ids:
        raise ValidationFailed.single("/product_ids", "select at least one product", "required")
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise ValidationFailed.single("/product_ids", "must be a list of product ids", "type")
    products = list(session.scalars(locks.products_for_update(ids)))
    found = {p.id for p in products if p.deleted_at is None}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed([FieldError("/product_ids", f"no product {i}", "not_found")
                                for i in missing])
    return [p for p in products if p.deleted_at is None]

