"""Checking drafts before anything is written: the spec matrix, codes against the file
and the shop, categories, images, and the catalog's own field rules.

The catalog's rules are not copied: the same checkers ``create_product`` runs
(:mod:`runtime.modules.catalog.products`) run here on the payload, and their JSON pointers
are turned back into the cells the values came from. What needs the database (existing
codes, categories, media) is loaded once per import into :class:`Lookups`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import FieldError
from runtime.media.refs import is_http_url, load_assets
from runtime.modules.catalog import products as catalog_products
from runtime.modules.catalog.importing.drafts import CellRef, ProductDraft
from runtime.modules.catalog.importing.messages import Msg
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.catalog.taxonomy import MAX_CATEGORY_DEPTH, category_tree
from runtime.modules.catalog.validation import Checker

MAX_SPECS = catalog_products.MAX_SPECS
MAX_SPEC_VALUES = catalog_products.MAX_SPEC_VALUES
MAX_SKUS = catalog_products.MAX_SKUS
MAX_IMAGES = 15
MAX_TAGS = 30
MAX_CATEGORY_NAME = 40
_MEDIA = re.compile(r"^media:(\d{1,18})$", re.IGNORECASE)
_IN_BATCH = 500


@dataclass
class Lookups:
    """What the checks need from the shop, loaded once: live product codes, live SKU codes
    (with their product), categories by path, and the library images the file names."""

    product_codes: dict[str, int] = field(default_factory=dict)
    sku_codes: dict[str, tuple[int, int]] = field(default_factory=dict)
    owner_codes: dict[int, str | None] = field(default_factory=dict)
    categories: dict[tuple[str, ...], int] = field(default_factory=dict)
    category_names: dict[str, list[int]] = field(default_factory=dict)
    media_ids: set[int] = field(default_factory=set)
    create_categories: bool = False

    def category_id(self, path: list[str]) -> int | None:
        found = self.categories.get(tuple(path))
        if found is None and len(path) == 1 and len(self.category_names.get(path[0], [])) == 1:
            return self.category_names[path[0]][0]
        return found


def _batches(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), _IN_BATCH):
        yield items[start:start + _IN_BATCH]


def load_lookups(session: Session, drafts: list[ProductDraft], *,
                 create_categories: bool) -> Lookups:
    """Load what the checks need; the code look-ups repeat the partial unique indexes'
    conditions (``code IS NOT NULL`` ...) so PostgreSQL can use them."""
    lookups = Lookups(create_categories=create_categories)
    codes = {d.code for d in drafts if d.code}
    for batch in _batches(codes):
        lookups.product_codes.update(session.execute(
            select(Product.code, Product.id).where(
                Product.code.is_not(None), Product.code.in_(batch),
                Product.deleted_at.is_(None))).all())
    sku_codes = {s.values["code"] for d in drafts for s in d.skus if s.values.get("code")}
    for batch in _batches(sku_codes):
        for code, sku_id, product_id in session.execute(
                select(Sku.code, Sku.id, Sku.product_id).where(
                    Sku.code.is_not(None), Sku.code.in_(batch), Sku.retired_at.is_(None))):
            lookups.sku_codes[code] = (sku_id, product_id)
    owners = {product_id for _sku, product_id in lookups.sku_codes.values()}
    for batch in _batches(owners):
        lookups.owner_codes.update(session.execute(
            select(Product.id, Product.code).where(Product.id.in_(batch))).all())
    refresh_categories(session, lookups)
    wanted = {int(m.group(1)) for d in drafts for token in image_tokens(d)
              if (m := _MEDIA.match(token))}
    for batch in _batches(wanted):
        assets = load_assets(session, [{"media_id": media_id} for media_id in batch])
        lookups.media_ids.update(i for i, a in assets.items() if a.deleted_at is None)
    return lookups


def refresh_categories(session: Session, lookups: Lookups) -> None:
    lookups.categories.clear()
    lookups.category_names.clear()

    def walk(nodes: list[Any], prefix: tuple[str, ...]) -> None:
        for node in nodes:
            path = (*prefix, node.category.name)
            lookups.categories.setdefault(path, node.id)
            lookups.category_names.setdefault(node.category.name, []).append(node.id)
            walk(node.children, path)
    walk(category_tree(session), ())


def image_tokens(draft: ProductDraft) -> list[str]:
    tokens = [token for token, _ref in draft.images or []]
    tokens += [s.image for s in draft.skus if s.image]
    return tokens


def placeholder_ref(token: str) -> dict[str, Any]:
    """An image cell as an image reference for the checks (URLs are adopted later)."""
    match = _MEDIA.match(token)
    return {"media_id": int(match.group(1))} if match else {"url": token}


# --- the spec matrix ---------------------------------------------------------------------------


def check_matrix(draft: ProductDraft) -> None:
    """Specs take their values from the SKU rows (in order of appearance); every
    combination needs exactly one row, as the catalog's matrix does."""
    if not draft.specs:
        for sku in draft.skus[1:]:
            draft.fail(CellRef(sku.row), Msg("a product without specs has exactly one SKU row; "
                                             "add spec columns for variants"))
        return
    if len(draft.specs) > MAX_SPECS:
        draft.fail(draft.spec_cells[MAX_SPECS], Msg("a product has at most {limit} specs",
                                                    limit=MAX_SPECS))
        return
    names = Counter(spec["name"] for spec in draft.specs)
    for i, spec in enumerate(draft.specs):
        if names[spec["name"]] > 1:
            draft.fail(draft.spec_cells[i], Msg("spec {name} appears twice", name=spec["name"]))
        spec["values"] = list(dict.fromkeys(s.spec_values[i] for s in draft.skus
                                            if len(s.spec_values) > i and s.spec_values[i]))
        if len(spec["values"]) > MAX_SPEC_VALUES:
            draft.fail(draft.spec_cells[i], Msg("spec {name} has more than {limit} values",
                                                name=spec["name"], limit=MAX_SPEC_VALUES))
            return
    count = 1
    for spec in draft.specs:
        count *= max(len(spec["values"]), 1)
    if count > MAX_SKUS:
        draft.fail(None, Msg("the specs make {count} SKUs; at most {limit}", count=count,
                             limit=MAX_SKUS))
        return
    seen: set[tuple[str, ...]] = set()
    complete = True
    for sku in draft.skus:
        if len(sku.spec_values) != len(draft.specs) or not all(sku.spec_values):
            complete = False
            continue
        if sku.spec_values in seen:
            draft.fail(sku.cell("spec:0"),
                       Msg("the same spec combination {values} appears twice",
                           values="/".join(sku.spec_values)))
        seen.add(sku.spec_values)
    if not complete:
        return
    missing = [combo for combo in itertools.product(*[s["values"] for s in draft.specs])
               if combo not in seen]
    if missing:
        shown = ", ".join("/".join(c) for c in missing[:5]) + (" …" if len(missing) > 5 else "")
        draft.fail(None, Msg("rows missing for the spec combinations {missing}; every "
                             "combination needs one row", missing=shown))


# --- codes and matching --------------------------------------------------------------------------


def match_existing(drafts: list[ProductDraft], lookups: Lookups) -> dict[int, int]:
    """``{draft index: product id}`` of the drafts that update an existing product (by
    product code, else by SKU codes); clashes are reported on the drafts."""
    counts = Counter(s.values["code"] for d in drafts for s in d.skus if s.values.get("code"))
    for draft in drafts:
        for sku in draft.skus:
            code = sku.values.get("code")
            if code and counts[code] > 1:
                draft.fail(sku.cell("code"), Msg("SKU code {code} appears more than once "
                                                      "in the file", code=code))
    matched: dict[int, int] = {}
    for i, draft in enumerate(drafts):
        product_id = lookups.product_codes.get(draft.code) if draft.code else None
        owners = {lookups.sku_codes[s.values["code"]][1] for s in draft.skus
                  if s.values.get("code") in lookups.sku_codes}
        if product_id is None and len(owners) > 1:
            draft.fail(None, Msg("the SKU codes match several existing products ({products})",
                                 products=", ".join(str(p) for p in sorted(owners))))
            continue
        if product_id is None and owners:
            owner = owners.pop()
            # a product found by its SKU codes takes the file's product code only if it
            # has none; one with another code is another product
            if not draft.code or lookups.owner_codes.get(owner) in (None, draft.code):
                product_id = owner
        for sku in draft.skus:
            owner = lookups.sku_codes.get(sku.values.get("code") or "")
            if owner is not None and owner[1] != product_id:
                draft.fail(sku.cell("code"), Msg(
                    "SKU code {code} belongs to another product ({product})",
                    code=sku.values["code"],
                    product=lookups.owner_codes.get(owner[1]) or f"#{owner[1]}"))
        if product_id is not None:
            matched[i] = product_id
    by_product = Counter(matched.values())
    for i, product_id in list(matched.items()):
        if by_product[product_id] > 1:
            drafts[i].fail(None, Msg("another product in this file matches the same existing "
                                     "product"))
            del matched[i]
    return matched


# --- categories and images ---------------------------------------------------------------------


def check_category(draft: ProductDraft, lookups: Lookups) -> None:
    if not draft.category:
        return
    cell = draft.cell("category_id")
    if lookups.category_id(draft.category) is not None:
        return
    path = " > ".join(draft.category)
    if not lookups.create_categories:
        draft.fail(cell, Msg("no category {path}; create it first", path=path))
    elif len(draft.category) > MAX_CATEGORY_DEPTH:
        draft.fail(cell, Msg("categories nest at most {depth} levels", depth=MAX_CATEGORY_DEPTH))
    elif any(len(name) > MAX_CATEGORY_NAME for name in draft.category):
        draft.fail(cell, Msg("at most {limit} characters", limit=MAX_CATEGORY_NAME))


def check_images(draft: ProductDraft, lookups: Lookups) -> None:
    if draft.images is not None and len(draft.images) > MAX_IMAGES:
        draft.fail(draft.cell("images"), Msg("at most {limit} images", limit=MAX_IMAGES))
    pairs = [(token, ref) for token, ref in draft.images or []]
    pairs += [(s.image, s.cell("image")) for s in draft.skus if s.image]
    for token, ref in pairs:
        match = _MEDIA.match(token)
        if match:
            if int(match.group(1)) not in lookups.media_ids:
                draft.fail(ref, Msg("no image {id} in the media library", id=match.group(1)))
        elif not is_http_url(token):
            draft.fail(ref, Msg("not an image URL (http:// or https://) or media:<id>"))


# --- the catalog's own rules ---------------------------------------------------------------------


def catalog_payload(draft: ProductDraft, *, images: list[dict[str, Any]] | None = None,
                    sku_images: list[dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """The dict ``create_product`` / ``update_product`` take (category and code aside)."""
    data: dict[str, Any] = dict(draft.fields)
    if draft.images is not None:
        data["images"] = images if images is not None else [
            placeholder_ref(t) for t, _ in draft.images]
    data["specs"] = [{"name": s["name"], "values": list(s["values"])} for s in draft.specs]
    skus = []
    for i, sku in enumerate(draft.skus):
        entry: dict[str, Any] = {"spec_values": list(sku.spec_values), **sku.values}
        if sku.has("image") or sku.image:
            if sku_images is not None:
                entry["image"] = sku_images[i]
            else:
                entry["image"] = placeholder_ref(sku.image) if sku.image else None
        skus.append(entry)
    data["skus"] = skus
    return data


def check_catalog_rules(session: Session, draft: ProductDraft, *, creating: bool) -> None:
    """Run the catalog's field checkers on the draft's payload; map errors to cells."""
    data = catalog_payload(draft)
    check = Checker()
    fields = {k: v for k, v in data.items() if k in ("title", "subtitle", "images", "unit",
                                                     "status", "description_html")}
    catalog_products._product_fields(session, fields, check, creating=creating, product=None)
    catalog_products._tag_names(data, check)
    if draft.specs:
        catalog_products._specs(data["specs"], check)
    catalog_products._sku_inputs(data["skus"], check)
    for error in check.errors:
        report_field_error(draft, error)


_POINTER = re.compile(r"^/([a-z_]+)(?:/(\d+))?(?:/([a-z_]+))?(?:/(\d+))?")


def report_field_error(draft: ProductDraft, error: FieldError) -> None:
    """A catalog error (JSON pointer into the payload) as a problem on the right cell,
    unless that cell already has one (one reason per cell is enough)."""
    cell = cell_for_pointer(draft, error.pointer)
    if cell.column is not None and any(p.cell == cell for p in draft.problems):
        return
    draft.fail(cell, Msg(error.message))


def cell_for_pointer(draft: ProductDraft, pointer: str) -> CellRef:
    match = _POINTER.match(pointer or "")
    if not match:
        return CellRef(draft.first_row)
    name, index, sub, sub_index = match.groups()
    i = int(index) if index is not None else None
    if name == "skus" and i is not None and i < len(draft.skus):
        sku = draft.skus[i]
        if sub == "spec_values":
            return sku.cell("spec:0")
        return sku.cell(sub or "")
    if name == "specs" and i is not None and i < len(draft.spec_cells):
        if sub == "values" and sub_index is not None:
            value_index = int(sub_index)
            values = draft.specs[i]["values"]
            if value_index < len(values):
                for sku in draft.skus:
                    if len(sku.spec_values) > i and sku.spec_values[i] == values[value_index]:
                        return sku.cell(f"spec:{i}")
        return draft.spec_cells[i]
    if name == "images" and i is not None and draft.images and i < len(draft.images):
        return draft.images[i][1]
    if name in ("category_id", "code"):
        return draft.cell(name)
    return draft.cell(name)


def validate_drafts(session: Session, drafts: list[ProductDraft], lookups: Lookups
                    ) -> dict[int, int]:
    """Check every draft; returns the matches of existing products (see
    :func:`match_existing`). Failed drafts carry their problems."""
    matched = match_existing(drafts, lookups)
    for i, draft in enumerate(drafts):
        check_matrix(draft)
        check_category(draft, lookups)
        check_images(draft, lookups)
        title_cell = draft.cell("title")
        if (i not in matched and not draft.fields.get("title")
                and not any(p.cell == title_cell for p in draft.problems)):
            draft.fail(title_cell, Msg("is required"))
        check_catalog_rules(session, draft, creating=False)
    return matched
