"""Console screens of the catalog at ``/console/shops/<shop>/catalog/...``.

Lists and the category/group screens are plain HTML forms (they work without script); the
product form is driven by ``product-form.js``, which posts JSON and shows the 422 errors
next to the fields their pointers name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import shop_blueprint
from builder.catalog.i18n import gettext as t
from runtime.errors import FieldError, MallkitError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.http import json_body
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog import figures, queries, stock, taxonomy
from runtime.modules.catalog import products as product_service
from runtime.modules.catalog.choices import indented, picker_choices
from runtime.modules.catalog.models import GroupKind, Product, ProductStatus
from runtime.modules.catalog.serializers import product_admin_json
from runtime.money import fen_text, yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

catalog_console = shop_blueprint("catalog_console", __name__, area="catalog")
catalog_static = Blueprint("catalog_static", __name__, static_folder="static",
                           static_url_path="/console/catalog-static")

PER_PAGE = 20
BULK_ACTIONS = ("on_sale", "off_shelf", "draft", "delete", "group_add", "group_move")
STATUS_LABELS = {"draft": "Draft", "on_sale": "On sale", "off_shelf": "Off shelf"}
SORT_LABELS = {"updated": "Recently updated", "newest": "Newest", "sales": "Best selling",
               "price_asc": "Price: low to high", "price_desc": "Price: high to low",
               "stock_asc": "Stock: low to high", "default": "Sort weight"}


# --- helpers --------------------------------------------------------------------------------


def _shop_zone() -> ZoneInfo:
    return zone_of(current_shop())


def _local_input(moment: datetime | None) -> str:
    """An aware UTC time as the value of a ``datetime-local`` input in the shop's zone."""
    return local_text(moment, _shop_zone(), "%Y-%m-%dT%H:%M")


def _localize_times(data: dict[str, Any]) -> None:
    """The form sends on/off-sale times as the shop's wall-clock time; give them its zone."""
    for key in ("on_sale_at", "off_sale_at"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                continue  # the service names the field
            if parsed.tzinfo is None:
                data[key] = parsed.replace(tzinfo=_shop_zone()).isoformat()
        elif value == "":
            data[key] = None


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    return int(raw) if raw.isdigit() else None


def _back(default_endpoint: str) -> ResponseReturnValue:
    return redirect(forms.safe_next(request.form.get("next"), url_for(default_endpoint)))


def _flash_error(error: MallkitError) -> None:
    db().rollback()
    if isinstance(error, ValidationFailed) and error.errors:
        flash("; ".join(t(e.message) for e in error.errors), "error")
    else:
        flash(error.detail, "error")


def _common() -> dict[str, Any]:
    return {"t": t, "yuan": fen_text, "status_labels": STATUS_LABELS}


# --- products: list and bulk actions --------------------------------------------------------


@catalog_console.get("/catalog/products")
def products() -> ResponseReturnValue:
    session = db()
    status = request.args.get("status") or None
    sort = request.args.get("sort") or "updated"
    if status not in (None, *ProductStatus):
        status = None
    if sort not in queries.CONSOLE_SORTS:
        sort = "updated"
    product_filter = queries.ProductFilter(
        keyword=(request.args.get("q") or "").strip()[:50] or None,
        category_id=_int_arg("category"), group_id=_int_arg("group"), status=status,
        low_stock=request.args.get("low_stock") == "1", visible_only=False)
    page = queries.console_products(
        session, product_filter, sort=sort, page=_int_arg("page") or 1, per_page=PER_PAGE,
        after=request.args.get("after") or None, before=request.args.get("before") or None,
        last=request.args.get("last") == "1", total=figures.console_total(session, product_filter))
    levels = stock.stock_levels(session, [p.id for p in page.items])
    assets = load_assets(session, [p.cover for p in page.items if p.cover])
    rows = [{"product": p, "stock": levels[p.id].total, "low": levels[p.id].low,
             "cover": media_url(p.cover, 150, assets=assets)} for p in page.items]
    if forms.wants_json():
        return jsonify({"items": [{"id": r["product"].id, "title": r["product"].title,
                                   "status": r["product"].status, "stock": r["stock"],
                                   "price_fen": r["product"].min_price_fen,
                                   "cover": r["cover"]} for r in rows],
                        "total": page.total, "page": page.page, "pages": page.pages})
    choices = picker_choices(session)
    return render_template(
        "catalog/products.html", **_common(), page=page, rows=rows,
        categories=choices.categories, groups=choices.groups,
        manual_groups=choices.manual_groups,
        filters={"q": request.args.get("q", ""), "category": _int_arg("category"),
                 "group": _int_arg("group"), "status": status or "",
                 "low_stock": product_filter.low_stock, "sort": sort},
        sort_labels=SORT_LABELS, low_count=figures.low_stock_count(session))


@catalog_console.post("/catalog/products/bulk")
def products_bulk() -> ResponseReturnValue:
    """Form: ``action`` (on_sale, off_shelf, draft, delete, group_add, group_move),
    ``product_ids`` (repeated), ``group_id`` for the group actions."""
    session = db()
    action = request.form.get("action", "")
    try:
        ids = [int(v) for v in request.form.getlist("product_ids") if v.strip()]
    except ValueError:
        ids = []
    try:
        if action not in BULK_ACTIONS:
            raise ValidationFailed.single("/action", t("Choose an action."), "enum")
        if not ids:
            raise ValidationFailed.single("/product_ids", t("Select at least one product."),
                                          "required")
        if action == "delete":
            product_service.delete_products(session, ids)
        elif action in ("group_add", "group_move"):
            group_id = request.form.get("group_id", "")
            if not group_id.isdigit():
                raise ValidationFailed.single("/group_id", t("Choose a group."), "required")
            product_service.place_in_group(session, ids, int(group_id),
                                           move=action == "group_move")
        else:
            product_service.set_status(session, ids, action)
        session.commit()
    except MallkitError as error:
        _flash_error(error)
        return _back("catalog_console.products")
    flash(t("%(count)s products updated.", count=len(ids)), "success")
    return _back("catalog_console.products")


# --- products: the form ---------------------------------------------------------------------


def _form_context(product: Product | None) -> dict[str, Any]:
    session = db()
    data = product_admin_json(session, product) if product else None
    if data:
        data["on_sale_at"] = _local_input(product.on_sale_at)
        data["off_sale_at"] = _local_input(product.off_sale_at)
    choices = picker_choices(session)
    config = {
        "product": data,
        "categories": [{"id": c.id, "label": c.label} for c in choices.categories],
        "groups": [{"id": g.id, "name": g.name} for g in choices.manual_groups],
        "save_url": (url_for("catalog_console.products_update", product_id=product.id)
                     if product else url_for("catalog_console.products_create")),
        "media_list_url": url_for("media_console.assets"),
        "media_upload_url": url_for("media_console.upload"),
        "statuses": [{"value": k, "label": t(v)} for k, v in STATUS_LABELS.items()],
        "strings": _js_strings(),
    }
    return {**_common(), "product": product, "config": config}


def _js_strings() -> dict[str, str]:
    keys = ["Spec name", "Add a value", "Add spec", "Remove", "Price (¥)", "Original price (¥)",
            "Cost (¥)", "Stock", "SKU code", "Barcode", "Weight (g)", "Low-stock alert",
            "Image", "Choose image", "Upload", "Saving…", "Saved", "Fix the marked fields.",
            "Set for all SKUs", "Apply", "Move left", "Move right", "Cover", "No images yet",
            "Media library", "Close", "More", "Could not save", "e.g. Colour", "e.g. Red",
            "At most 3 specs.", "Enter an amount in yuan, e.g. 99.90", "Enter a whole number",
            "Default", "Loading…", "Nothing in the library yet.", "Upload failed"]
    return {k: t(k) for k in keys}


@catalog_console.get("/catalog/products/new")
def products_new() -> ResponseReturnValue:
    return render_template("catalog/product_form.html", **_form_context(None))


@catalog_console.get("/catalog/products/<int:product_id>")
def products_edit(product_id: int) -> ResponseReturnValue:
    product = product_service.get_product(db(), product_id)
    if forms.wants_json():
        return jsonify(product_admin_json(db(), product))
    return render_template("catalog/product_form.html", **_form_context(product))


def _save_payload() -> dict[str, Any]:
    data = json_body()
    _localize_times(data)
    return data


@catalog_console.post("/catalog/products")
def products_create() -> ResponseReturnValue:
    """JSON: the product as ``create_product`` takes it; 201 with its id and edit URL."""
    session = db()
    product = product_service.create_product(session, _save_payload())
    session.commit()
    flash(t("Product created."), "success")
    return jsonify({"id": product.id, "url": url_for("catalog_console.products_edit",
                                                     product_id=product.id)}), 201


@catalog_console.route("/catalog/products/<int:product_id>", methods=["PUT", "POST"])
def products_update(product_id: int) -> ResponseReturnValue:
    """JSON: the fields to change, as ``update_product`` takes them."""
    session = db()
    product = product_service.update_product(session, product_id, _save_payload())
    session.commit()
    flash(t("Product saved."), "success")
    return jsonify({"id": product.id, "url": url_for("catalog_console.products_edit",
                                                     product_id=product.id)})


@catalog_console.get("/catalog/products/<int:product_id>/stock")
def products_stock(product_id: int) -> ResponseReturnValue:
    """The stock ledger of each SKU of a product, newest first."""
    session = db()
    product = product_service.get_product(session, product_id)
    skus = product_service.product_skus(session, product.id, include_retired=True)
    ledgers = [(sku, stock.ledger(session, sku.id, limit=50)) for sku in skus]
    return render_template("catalog/stock.html", **_common(), product=product, ledgers=ledgers,
                           zone=_shop_zone())


# --- categories -----------------------------------------------------------------------------


def _category_options(session: Any) -> list[dict[str, Any]]:
    """The tree flattened for the categories screen: ``{"id", "label", "depth",
    "category"}``."""
    return [{"id": node.id, "depth": depth, "category": node.category,
             "label": indented(node.category.name, depth)}
            for node, depth in taxonomy.flattened(taxonomy.category_tree(session))]


def _image_field(prefix: str, errors: list[FieldError]) -> dict[str, Any] | None:
    """An image picked from the library (``<prefix>_media_id``) or typed as a URL."""
    media_id = request.form.get(f"{prefix}_media_id", "").strip()
    url = request.form.get(f"{prefix}_url", "").strip()
    if media_id:
        if not media_id.isdigit():
            errors.append(FieldError(f"/{prefix}", t("Choose an image again."), "type"))
            return None
        return {"media_id": int(media_id)}
    return {"url": url} if url else None


def _category_form() -> dict[str, Any]:
    errors = FieldErrors()
    parent = request.form.get("parent_id", "").strip()
    position = request.form.get("position", "0").strip() or "0"
    data: dict[str, Any] = {
        "name": request.form.get("name", ""),
        "parent_id": int(parent) if parent.isdigit() else None,
        "is_visible": request.form.get("is_visible") == "1",
        "icon": _image_field("icon", errors),
    }
    try:
        data["position"] = int(position)
    except ValueError:
        errors.append(FieldError("/position", t("Enter a whole number"), "type"))
    errors.raise_if_any()
    return data


@catalog_console.get("/catalog/categories")
def categories() -> ResponseReturnValue:
    session = db()
    options = _category_options(session)
    counts = taxonomy.category_product_counts(session)
    assets = load_assets(session, [o["category"].icon for o in options if o["category"].icon])
    icons = {o["id"]: media_url(o["category"].icon, 150, assets=assets) for o in options}
    return render_template("catalog/categories.html", **_common(), options=options,
                           counts=counts, icons=icons, max_depth=taxonomy.MAX_CATEGORY_DEPTH,
                           media_list_url=url_for("media_console.assets"))


@catalog_console.post("/catalog/categories")
def categories_create() -> ResponseReturnValue:
    try:
        taxonomy.create_category(db(), _category_form())
        db().commit()
        flash(t("Category added."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.categories")


@catalog_console.post("/catalog/categories/<int:category_id>")
def categories_update(category_id: int) -> ResponseReturnValue:
    try:
        taxonomy.update_category(db(), category_id, _category_form())
        db().commit()
        flash(t("Category saved."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.categories")


@catalog_console.post("/catalog/categories/<int:category_id>/delete")
def categories_delete(category_id: int) -> ResponseReturnValue:
    try:
        taxonomy.delete_category(db(), category_id)
        db().commit()
        flash(t("Category deleted."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.categories")


# --- groups ---------------------------------------------------------------------------------


def _group_form() -> dict[str, Any]:
    errors = FieldErrors()
    kind = request.form.get("kind", GroupKind.MANUAL)
    position = request.form.get("position", "0").strip() or "0"
    data: dict[str, Any] = {"name": request.form.get("name", ""), "kind": kind}
    try:
        data["position"] = int(position)
    except ValueError:
        errors.append(FieldError("/position", t("Enter a whole number"), "type"))
    if kind == GroupKind.RULE:
        tags = [x.strip() for x in request.form.get("rule_tags", "").replace("，", ",")
                .split(",") if x.strip()]
        rule: dict[str, Any] = {"tags": tags}
        low = yuan_field(request.form.get("rule_min_price"), "/rule/min_price_fen", errors)
        high = yuan_field(request.form.get("rule_max_price"), "/rule/max_price_fen", errors)
        if low is not None:
            rule["min_price_fen"] = low
        if high is not None:
            rule["max_price_fen"] = high
        data["rule"] = rule
    errors.raise_if_any()
    return data


@catalog_console.get("/catalog/groups")
def groups() -> ResponseReturnValue:
    session = db()
    return render_template("catalog/groups.html", **_common(),
                           groups=taxonomy.list_groups(session),
                           counts=taxonomy.group_product_counts(session))


@catalog_console.post("/catalog/groups")
def groups_create() -> ResponseReturnValue:
    try:
        taxonomy.create_group(db(), _group_form())
        db().commit()
        flash(t("Group added."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.groups")


@catalog_console.post("/catalog/groups/<int:group_id>")
def groups_update(group_id: int) -> ResponseReturnValue:
    try:
        taxonomy.update_group(db(), group_id, _group_form())
        db().commit()
        flash(t("Group saved."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.groups")


@catalog_console.post("/catalog/groups/<int:group_id>/delete")
def groups_delete(group_id: int) -> ResponseReturnValue:
    try:
        taxonomy.delete_group(db(), group_id)
        db().commit()
        flash(t("Group deleted."), "success")
    except MallkitError as error:
        _flash_error(error)
    return _back("catalog_console.groups")
