"""Console screens of the coupons module (marketing area): the templates with their stats
(claimed, used, discount given, paid by the orders using them), a template's editor, the
push to a member segment, and the module's settings. They exist only while the shop has the
module on (404 otherwise, and no nav entry); switching it off keeps templates and settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import shop_blueprint
from builder.members.i18n import gettext as t
from builder.members.i18n import lazy_gettext as _l
from builder.members.views import _act, _render
from runtime.errors import ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules import switches
from runtime.modules.coupons import push as pushes
from runtime.modules.coupons import service, templates
from runtime.modules.coupons.settings import MODULE_ID
from runtime.money import fen_text, yuan_field
from runtime.shoptime import shop_zone
from runtime.tenancy import db

coupons_console = shop_blueprint("coupons_console", __name__, area="marketing",
                                 template_folder="templates")
ALWAYS_OPEN = {"coupons_console.enable"}
YUAN_FIELDS = {"amount": "amount_fen", "min_spend": "min_spend_fen",
               "max_discount": "max_discount_fen"}
INT_FIELDS = ("discount_percent", "valid_days", "total", "per_member_limit", "per_day_limit")
FLAGS = ("only_original_price", "starts_next_day", "claimable")
TIMES = ("valid_from", "valid_until", "claim_from", "claim_until")
KIND_LABELS = {"amount": _l("Amount coupon"), "percent": _l("Percent coupon")}
SCOPE_LABELS = {"all": _l("Every product"), "products": _l("These products"),
                "categories": _l("These categories (with subcategories)"),
                "except_products": _l("Every product but these")}


@coupons_console.before_request
def _module_on() -> None:
    if request.endpoint not in ALWAYS_OPEN and not switches.is_enabled(db(), MODULE_ID):
        abort(404)


def _ids(raw: Any, pointer: str, errors: FieldErrors) -> list[int]:
    parts = [p.strip() for p in str(raw or "").replace("，", ",").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        errors.add(pointer, "ids separated by commas", "type")
        return []
    return [int(p) for p in parts]


def template_from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The form's fields (yuan, shop-local times, comma-separated ids) as the template's
    JSON fields; every bad field named in one 422."""
    errors = FieldErrors()
    zone = shop_zone(db())
    values: dict[str, Any] = {name: str(data.get(name, "")).strip()
                              for name in ("name", "description", "kind", "scope", "validity")}
    for form_name, field in YUAN_FIELDS.items():
        values[field] = yuan_field(data.get(form_name) or "0", f"/{field}", errors) or 0
    for name in INT_FIELDS:
        raw = str(data.get(name, "")).strip()
        if raw.lstrip("-").isdigit():
            values[name] = int(raw)
        elif raw:
            errors.add(f"/{name}", "a whole number", "type")
    for name in FLAGS:
        values[name] = data.get(name) in ("on", "true", "1", True)
    for name in TIMES:
        raw = str(data.get(name, "")).strip()
        if not raw:
            values[name] = None
            continue
        try:
            values[name] = datetime.fromisoformat(raw).replace(tzinfo=zone).isoformat()
        except ValueError:
            errors.add(f"/{name}", "a date and time", "format")
    values["product_ids"] = _ids(data.get("product_ids"), "/product_ids", errors)
    values["category_ids"] = _ids(data.get("category_ids"), "/category_ids", errors)
    values["level_ids"] = _ids(data.get("level_ids"), "/level_ids", errors)
    errors.raise_if_any()
    return values


def _payload() -> dict[str, Any]:
    data = forms.payload()
    return data if request.is_json else template_from_form(data)


def _row(template: Any, stats: service.TemplateStats, zone: Any) -> dict[str, Any]:
    return {**templates.card(template, zone), "name": template.name,
            "status": template.status, "issued": template.issued, "total": template.total,
            "claimed": stats.claimed, "used": stats.used, "discount_fen": stats.discount_fen,
            "paid_fen": stats.paid_fen}


@coupons_console.get("/coupons", endpoint="index")
def index() -> ResponseReturnValue:
    session = db()
    rows = templates.list_templates(session)
    stats = service.template_stats(session, [t.id for t in rows])
    zone = shop_zone(session)
    items = [_row(t, stats.get(t.id, service.TemplateStats()), zone) for t in rows]
    if forms.wants_json():
        return jsonify({"items": items})
    return _render("coupons/index.html", items=items, kinds=KIND_LABELS, scopes=SCOPE_LABELS,
                   fen_text=fen_text, values=templates.DEFAULTS, errors={},
                   settings=switches.settings_of(session, MODULE_ID),
                   pushes=pushes.list_pushes(session))


@coupons_console.post("/coupons")
def create() -> ResponseReturnValue:
    session = db()

    def run() -> dict[str, Any]:
        return {"id": templates.create_template(session, _payload()).id}

    return _act(run, t("Coupon created"), url_for(".index"))


@coupons_console.route("/coupons/<int:template_id>", methods=["GET", "POST"], endpoint="edit")
def edit(template_id: int) -> ResponseReturnValue:
    session = db()
    template = templates.get_template(session, template_id)
    if request.method == "POST":
        return _act(lambda: {"id": templates.update_template(session, template_id,
                                                             _payload()).id},
                    t("Coupon saved"), url_for(".edit", template_id=template_id))
    zone = shop_zone(session)
    stats = service.template_stats(session, [template.id]).get(template.id,
                                                              service.TemplateStats())
    if forms.wants_json():
        return jsonify({**templates.template_values(template),
                        **_row(template, stats, zone)})
    local = {name: (getattr(template, name).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
                    if getattr(template, name) else "") for name in TIMES}
    return _render("coupons/edit.html", coupon=template, row=_row(template, stats, zone),
                   times=local, kinds=KIND_LABELS, scopes=SCOPE_LABELS, fen_text=fen_text)


@coupons_console.post("/coupons/<int:template_id>/status")
def status(template_id: int) -> ResponseReturnValue:
    value = forms.payload().get("status")
    if value not in ("active", "stopped"):
        raise ValidationFailed.single("/status", "active or stopped", "enum")
    return _act(lambda: {"status": templates.set_status(db(), template_id, value).status},
                t("Giving stopped") if value == "stopped" else t("Giving resumed"),
                url_for(".edit", template_id=template_id))


@coupons_console.post("/coupons/<int:template_id>/push")
def push(template_id: int) -> ResponseReturnValue:
    """Push the coupon to the members matching the filters (a ``bulk`` job, once each)."""
    data = forms.payload()
    segment = data.get("segment") if request.is_json else {
        k: data.get(k) for k in pushes.SEGMENT_FIELDS if data.get(k) not in (None, "")}

    def run() -> dict[str, Any]:
        made = pushes.create_push(db(), template_id, segment)
        return {"push_id": made.id, "targeted": made.targeted}

    return _act(run, t("Push started"), url_for(".edit", template_id=template_id))


@coupons_console.post("/coupons/settings", endpoint="settings")
def settings_view() -> ResponseReturnValue:
    data = forms.payload()
    if request.is_json:
        values = data.get("settings")
    else:
        errors = FieldErrors()
        ids = _ids(data.get("signup_template_ids"), "/settings/signup_template_ids", errors)
        hours = str(data.get("remind_hours", "")).strip()
        errors.check(hours.isdigit(), "/settings/remind_hours", "a whole number", "type")
        errors.raise_if_any()
        values = {"signup_template_ids": ids, "remind_hours": int(hours)}
    return _act(lambda: {"settings": switches.update_settings(db(), MODULE_ID, values)},
                t("Settings saved"), url_for(".index"))


@coupons_console.post("/coupons/enable")
def enable() -> ResponseReturnValue:
    """Switch the module on (with the settings it had, or the defaults)."""
    switches.enable(db(), MODULE_ID)
    db().commit()
    if forms.wants_json():
        return jsonify({"enabled": True})
    return redirect(url_for(".index"))


@coupons_console.post("/coupons/disable")
def disable() -> ResponseReturnValue:
    switches.disable(db(), MODULE_ID)
    db().commit()
    if forms.wants_json():
        return jsonify({"enabled": False})
    return redirect(url_for("console_shop.home"))
