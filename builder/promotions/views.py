"""Limited-time discounts (限时折扣) and full reductions (满减/满折) in the console. Browsers
post forms (rows of SKUs or tiers as repeated fields; times as the shop's local
``datetime-local``) and get the editor again with the messages on a 422; JSON clients send
the API's shapes (times with an offset) and get the activity, or the problem+json. Closing
is final. Console text through gettext (the members console's catalog)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import shop_blueprint
from builder.members.i18n import gettext as t
from builder.members.i18n import lazy_gettext as _l
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.promotions import service
from runtime.modules.promotions.models import FullReduction, LimitedDiscount
from runtime.shoptime import shop_zone
from runtime.tenancy import db

promotions_console = shop_blueprint("promotions_console", __name__, area="marketing",
                                    module="promotions", template_folder="templates")
STATUS_LABELS = {"scheduled": _l("Not started"), "active": _l("Running"), "ended": _l("Ended"),
                 "closed": _l("Closed")}
MODE_LABELS = {"percent": _l("Discount (%)"), "price": _l("Set price (fen)"),
               "amount_off": _l("Amount off (fen)")}
DEFAULT_TAG = "限时折扣"  # shown to shoppers: the shop's language, not the console's
FORM_TIME = "%Y-%m-%dT%H:%M"


def _local(moment: datetime | None) -> str:
    return moment.astimezone(shop_zone(db())).strftime(FORM_TIME) if moment else ""


def _moment(data: dict[str, Any], key: str) -> Any:
    """A form's ``datetime-local`` in the shop's zone as ISO 8601 with the offset."""
    raw = data.get(key)
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        local = datetime.strptime(raw.strip()[:16], FORM_TIME)
    except ValueError:
        raise ValidationFailed.single(f"/{key}", "must be a date and time", "format") from None
    return local.replace(tzinfo=shop_zone(db())).isoformat()


def _whole(raw: Any, pointer: str, errors: list[FieldError], *, optional: bool = False) -> Any:
    text = str(raw or "").strip()
    if not text and optional:
        return None
    if not text.isdigit():
        errors.append(FieldError(pointer, "a whole number", "type"))
        return text
    return int(text)


def _rows(data: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    columns = [data.get(n) or [] for n in names]
    columns = [c if isinstance(c, list) else [c] for c in columns]
    width = max((len(c) for c in columns), default=0)
    return [{n: (c[i] if i < len(c) else "") for n, c in zip(names, columns, strict=True)}
            for i in range(width)]


def discount_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The service's shape from the editor's form (blank SKU rows dropped)."""
    errors: list[FieldError] = []
    items = []
    for row in _rows(data, "sku_id", "mode", "value"):
        if not str(row["sku_id"]).strip():
            continue
        i = len(items)
        items.append({"sku_id": _whole(row["sku_id"], f"/items/{i}/sku_id", errors),
                      "mode": row["mode"],
                      "value": _whole(row["value"], f"/items/{i}/value", errors)})
    payload = {"name": data.get("name", ""), "tag": data.get("tag") or DEFAULT_TAG,
               "starts_at": _moment(data, "starts_at"), "ends_at": _moment(data, "ends_at"),
               "per_member_limit": _whole(data.get("per_member_limit"), "/per_member_limit",
                                          errors, optional=True),
               "items": items}
    if errors:
        raise ValidationFailed(errors)
    return payload


def reduction_payload(data: dict[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    tiers = []
    for row in _rows(data, "threshold", "discount_fen", "discount_pct", "free_shipping",
                     "give_points", "give_coupons"):
        if not str(row["threshold"]).strip():
            continue
        i = len(tiers)
        coupons = [c.strip() for c in str(row["give_coupons"] or "").split(",") if c.strip()]
        tiers.append({
            "threshold": _whole(row["threshold"], f"/tiers/{i}/threshold", errors),
            "discount_fen": _whole(row["discount_fen"], f"/tiers/{i}/discount_fen", errors,
                                   optional=True),
            "discount_pct": _whole(row["discount_pct"], f"/tiers/{i}/discount_pct", errors,
                                   optional=True),
            "free_shipping": row["free_shipping"] in ("1", "on", "true"),
            "give_points": _whole(row["give_points"] or "0", f"/tiers/{i}/give_points", errors),
            "give_coupons": [_whole(c, f"/tiers/{i}/give_coupons", errors) for c in coupons]})
    products = [p.strip() for p in str(data.get("product_ids") or "").split(",") if p.strip()]
    payload = {"name": data.get("name", ""), "starts_at": _moment(data, "starts_at"),
               "ends_at": _moment(data, "ends_at"), "condition": data.get("condition"),
               "scope": data.get("scope"),
               "product_ids": [_whole(p, "/product_ids", errors) for p in products],
               "repeat": data.get("repeat") in ("1", "on", "true"),
               "max_discount_fen": _whole(data.get("max_discount_fen"), "/max_discount_fen",
                                          errors, optional=True),
               "tiers": tiers}
    if errors:
        raise ValidationFailed(errors)
    return payload


def _errors(error: ValidationFailed) -> dict[str, str]:
    """Messages by field and row (``items.2.sku_id``), for the editor."""
    return {".".join(e.pointer.strip("/").split("/")) or "_form": e.message
            for e in error.errors}


# --- discounts ------------------------------------------------------------------------------


@promotions_console.get("/promotions/discounts")
def discounts() -> ResponseReturnValue:
    session = db()
    rows = list(session.scalars(select(LimitedDiscount).order_by(LimitedDiscount.id.desc())
                                .limit(200)))
    items = service.discount_items(session, [r.id for r in rows])
    data = [service.discount_json(r, items[r.id]) for r in rows]
    if forms.wants_json():
        return jsonify({"items": data})
    return render_template("promotions/discounts.html", rows=data, labels=STATUS_LABELS, t=t)


def _sku_titles(session: Any, sku_ids: list[int]) -> dict[int, str]:
    if not sku_ids:
        return {}
    rows = session.execute(select(Sku.id, Product.title, Sku.spec_values, Sku.price_fen)
                           .join(Product, Product.id == Sku.product_id)
                           .where(Sku.id.in_(sku_ids))).all()
    return {r.id: f"{r.title} {' '.join(r.spec_values or [])} ¥{r.price_fen / 100:.2f}".strip()
            for r in rows}


def _discount_form(row: LimitedDiscount | None, values: dict[str, Any] | None = None,
                   errors: dict[str, str] | None = None, status: int = 200
                   ) -> ResponseReturnValue:
    session = db()
    if values is None:
        items = service.discount_items(session, [row.id])[row.id] if row else []
        values = {"name": row.name if row else "", "tag": row.tag if row else DEFAULT_TAG,
                  "starts_at": _local(row.starts_at) if row else "",
                  "ends_at": _local(row.ends_at) if row else "",
                  "per_member_limit": row.per_member_limit if row else "",
                  "items": [{"sku_id": i.sku_id, "mode": i.mode, "value": i.value}
                            for i in items]}
    titles = _sku_titles(session, [i["sku_id"] for i in values["items"]
                                   if isinstance(i.get("sku_id"), int)])
    return render_template("promotions/discount_edit.html", row=row, values=values,
                           errors=errors or {}, titles=titles, modes=MODE_LABELS,
                           labels=STATUS_LABELS, default_tag=DEFAULT_TAG, t=t), status


@promotions_console.get("/promotions/discounts/new")
def new_discount() -> ResponseReturnValue:
    return _discount_form(None)


@promotions_console.get("/promotions/discounts/<int:discount_id>")
def edit_discount(discount_id: int) -> ResponseReturnValue:
    row = service.get_discount(db(), discount_id)
    if forms.wants_json():
        items = service.discount_items(db(), [row.id])[row.id]
        return jsonify(service.discount_json(row, items))
    return _discount_form(row)


def _save_discount(discount_id: int | None) -> ResponseReturnValue:
    session = db()
    data = forms.payload()
    try:
        payload = data if forms.wants_json() else discount_payload(data)
        row = service.save_discount(session, payload, discount_id)
        session.commit()
    except ValidationFailed as error:
        session.rollback()
        if forms.wants_json():
            raise
        current = service.get_discount(session, discount_id) if discount_id else None
        values = {**data, "items": [{"sku_id": r["sku_id"], "mode": r["mode"],
                                     "value": r["value"]}
                                    for r in _rows(data, "sku_id", "mode", "value")]}
        return _discount_form(current, values, _errors(error), 422)
    if forms.wants_json():
        items = service.discount_items(session, [row.id])[row.id]
        return jsonify(service.discount_json(row, items)), 200 if discount_id else 201
    flash(t("Limited-time discount saved"), "success")
    return redirect(url_for("promotions_console.edit_discount", discount_id=row.id))


@promotions_console.post("/promotions/discounts")
def create_discount() -> ResponseReturnValue:
    return _save_discount(None)


@promotions_console.post("/promotions/discounts/<int:discount_id>")
def update_discount(discount_id: int) -> ResponseReturnValue:
    return _save_discount(discount_id)


def _close(kind: str, activity_id: int) -> ResponseReturnValue:
    """Close an activity now (final: it never reopens)."""
    session = db()
    row = service.close_activity(session, kind, activity_id)
    session.commit()
    if forms.wants_json():
        return jsonify({"id": row.id, "status": row.status})
    flash(t("The activity is closed and cannot be reopened"), "success")
    return redirect(url_for("promotions_console.discounts" if kind == "discount"
                            else "promotions_console.reductions"))


@promotions_console.post("/promotions/discounts/<int:discount_id>/close")
def close_discount(discount_id: int) -> ResponseReturnValue:
    return _close("discount", discount_id)


@promotions_console.post("/promotions/full-reductions/<int:reduction_id>/close")
def close_reduction(reduction_id: int) -> ResponseReturnValue:
    return _close("full_reduction", reduction_id)


# --- full reductions ------------------------------------------------------------------------


@promotions_console.get("/promotions/full-reductions")
def reductions() -> ResponseReturnValue:
    rows = list(db().scalars(select(FullReduction).order_by(FullReduction.id.desc()).limit(200)))
    data = [service.full_reduction_json(r) for r in rows]
    if forms.wants_json():
        return jsonify({"items": data})
    return render_template("promotions/reductions.html", rows=data, labels=STATUS_LABELS, t=t)


def _reduction_form(row: FullReduction | None, values: dict[str, Any] | None = None,
                    errors: dict[str, str] | None = None, status: int = 200
                    ) -> ResponseReturnValue:
    if values is None:
        values = {"name": row.name if row else "",
                  "starts_at": _local(row.starts_at) if row else "",
                  "ends_at": _local(row.ends_at) if row else "",
                  "condition": row.condition if row else "amount",
                  "scope": row.scope if row else "all",
                  "product_ids": ",".join(str(p) for p in row.product_ids) if row else "",
                  "repeat": row.repeat if row else False,
                  "max_discount_fen": (row.max_discount_fen or "") if row else "",
                  "tiers": [{**t, "give_coupons": ",".join(str(c) for c in
                                                           t.get("give_coupons") or [])}
                            for t in (row.tiers if row else [])]}
    return render_template("promotions/reduction_edit.html", row=row, values=values,
                           errors=errors or {}, labels=STATUS_LABELS, t=t), status


@promotions_console.get("/promotions/full-reductions/new")
def new_reduction() -> ResponseReturnValue:
    return _reduction_form(None)


@promotions_console.get("/promotions/full-reductions/<int:reduction_id>")
def edit_reduction(reduction_id: int) -> ResponseReturnValue:
    row = service.get_full_reduction(db(), reduction_id)
    if forms.wants_json():
        return jsonify(service.full_reduction_json(row))
    return _reduction_form(row)


def _save_reduction(reduction_id: int | None) -> ResponseReturnValue:
    session = db()
    data = forms.payload()
    try:
        payload = data if forms.wants_json() else reduction_payload(data)
        row = service.save_full_reduction(session, payload, reduction_id)
        session.commit()
    except ValidationFailed as error:
        session.rollback()
        if forms.wants_json():
            raise
        current = service.get_full_reduction(session, reduction_id) if reduction_id else None
        values = {**data, "repeat": data.get("repeat") in ("1", "on", "true"),
                  "tiers": _rows(data, "threshold", "discount_fen", "discount_pct",
                                 "free_shipping", "give_points", "give_coupons")}
        return _reduction_form(current, values, _errors(error), 422)
    if forms.wants_json():
        return jsonify(service.full_reduction_json(row)), 200 if reduction_id else 201
    flash(t("Full reduction saved"), "success")
    return redirect(url_for("promotions_console.edit_reduction", reduction_id=row.id))


@promotions_console.post("/promotions/full-reductions")
def create_reduction() -> ResponseReturnValue:
    return _save_reduction(None)


@promotions_console.post("/promotions/full-reductions/<int:reduction_id>")
def update_reduction(reduction_id: int) -> ResponseReturnValue:
    return _save_reduction(reduction_id)
