"""Console screens of seckill (``/console/shops/<shop>/seckill``): activities (list, new,
edit with the SKU table, delete), slots (list, add, edit, delete) and the live board (sold
and left per SKU, the gate in Redis beside the database). Forms carry the CSRF token; JSON
clients send and get JSON (problem+json on refusal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import shop_blueprint
from builder.seckill.i18n import gettext as t
from builder.seckill.i18n import lazy_gettext as _l
from runtime.clock import utcnow
from runtime.errors import FieldError, MallkitError, ValidationFailed
from runtime.extension import state
from runtime.modules.seckill import live, service
from runtime.money import yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

seckill_console = shop_blueprint("seckill_console", __name__, area="marketing",
                                 module="seckill", template_folder="templates")
SKU_COLUMNS = ("sku_id", "seckill_price", "stock", "per_order_limit", "per_user_limit")
STATE_LABELS = {"running": _l("Running"), "not_started": _l("Not started"),
                "ended": _l("Ended"), "off": _l("Switched off")}


def _shop_id() -> int:
    shop = current_shop()
    assert shop is not None
    return shop.id


def _local(value: Any) -> str:
    return local_text(value, zone_of(current_shop()), "%m-%d %H:%M")


def _render(name: str, **context: Any) -> str:
    return render_template(name, yuan=lambda fen: "" if fen is None else f"¥{fen / 100:,.2f}",
                           local=_local, states=STATE_LABELS, t=t, **context)


def _done(action: Callable[[], Any], success: str, back: str,
          form: Callable[[MallkitError], ResponseReturnValue] | None = None
          ) -> ResponseReturnValue:
    """Run a change and commit; a refusal rolls back and goes to JSON clients as
    problem+json, to browsers as the form again (``form``) or a flash on ``back``."""
    try:
        result = action()
        db().commit()
    except MallkitError as error:
        db().rollback()
        if forms.wants_json():
            raise
        if form is not None:
            return form(error)
        flash(t("; ").join(dict.fromkeys(forms.field_errors(error).values())), "error")
        return redirect(back)
    if forms.wants_json():
        return jsonify(result if isinstance(result, dict) else {"ok": True})
    flash(success, "success")
    return redirect(back)


# --- slots ----------------------------------------------------------------------------------


@seckill_console.get("/seckill/slots")
def slot_list() -> ResponseReturnValue:
    slots = [service.slot_json(s) for s in service.list_slots(db())]
    if forms.wants_json():
        return jsonify({"items": slots})
    return _render("seckill/slots.html", slots=slots)


@seckill_console.post("/seckill/slots")
def slot_create() -> ResponseReturnValue:
    data = forms.payload()
    return _done(lambda: service.slot_json(service.save_slot(db(), data)), t("Slot added."),
                 url_for(".slot_list"))


@seckill_console.post("/seckill/slots/<int:slot_id>")
def slot_update(slot_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _done(lambda: service.slot_json(service.save_slot(db(), data, slot_id)),
                 t("Slot saved."), url_for(".slot_list"))


@seckill_console.post("/seckill/slots/<int:slot_id>/delete")
def slot_delete(slot_id: int) -> ResponseReturnValue:
    return _done(lambda: service.delete_slot(db(), slot_id), t("Slot deleted."),
                 url_for(".slot_list"))


# --- activities ------------------------------------------------------------------------------


@seckill_console.get("/seckill")
def activity_list() -> ResponseReturnValue:
    session = db()
    zone, now = service.zone(session), utcnow()
    items = [service.activity_json(session, v, zone, now, products=False)
             for v in service.load_activities(session)]
    if forms.wants_json():
        return jsonify({"items": items})
    return _render("seckill/list.html", items=items)


def _activity_from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The activity form (SKU table as parallel ``<column>[]`` lists, prices in yuan) as
    the service's JSON shape; JSON clients send that shape directly."""
    if forms.wants_json():
        return data
    errors: list[FieldError] = []
    slot_ids = data.get("slot_ids") or []
    slot_ids = slot_ids if isinstance(slot_ids, list) else [slot_ids]
    columns = {c: data.get(c) or [] for c in SKU_COLUMNS}
    columns = {c: v if isinstance(v, list) else [v] for c, v in columns.items()}
    skus = []
    for i, sku_id in enumerate(columns["sku_id"]):
        if not str(sku_id).strip():
            continue
        row: dict[str, Any] = {}
        for name in ("sku_id", "stock", "per_order_limit", "per_user_limit"):
            raw = str(columns[name][i] if i < len(columns[name]) else "").strip()
            if raw.isdigit():
                row[name] = int(raw)
            elif raw or name in ("sku_id", "stock"):
                errors.append(FieldError(f"/skus/{len(skus)}/{name}", "a whole number", "type"))
        price = columns["seckill_price"][i] if i < len(columns["seckill_price"]) else ""
        row["seckill_price_fen"] = yuan_field(price, f"/skus/{len(skus)}/seckill_price_fen",
                                              errors)
        skus.append(row)
    if errors:
        raise ValidationFailed(errors)
    timeout = str(data.get("unpaid_timeout_minutes", "")).strip()
    return {"title": data.get("title", ""), "starts_on": data.get("starts_on", ""),
            "ends_on": data.get("ends_on", ""), "enabled": data.get("enabled") == "on",
            "slot_ids": [int(s) for s in slot_ids if str(s).isdigit()],
            "unpaid_timeout_minutes": int(timeout) if timeout.isdigit() else 10, "skus": skus}


def _form(activity: dict[str, Any] | None, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    slots = [service.slot_json(s) for s in service.list_slots(db())]
    return _render("seckill/form.html", a=activity, slots=slots, errors=errors or {}), status


@seckill_console.get("/seckill/activities/new")
def activity_new() -> ResponseReturnValue:
    return _form(None)


@seckill_console.post("/seckill/activities")
def activity_create() -> ResponseReturnValue:
    data = forms.payload()

    def save() -> dict[str, Any]:
        view = service.save_activity(db(), _activity_from_form(data))
        return service.activity_json(db(), view, service.zone(db()))

    return _done(save, t("Seckill activity created."), url_for(".activity_list"),
                 lambda error: _form(None, forms.field_errors(error), error.status))


@seckill_console.get("/seckill/activities/<int:activity_id>")
def activity_view(activity_id: int) -> ResponseReturnValue:
    session = db()
    data = service.activity_json(session, service.get_activity(session, activity_id),
                                 service.zone(session))
    if forms.wants_json():
        return jsonify(data)
    return _form(data)


@seckill_console.post("/seckill/activities/<int:activity_id>")
def activity_update(activity_id: int) -> ResponseReturnValue:
    data = forms.payload()
    session = db()
    current = service.activity_json(session, service.get_activity(session, activity_id),
                                    service.zone(session))

    def save() -> dict[str, Any]:
        view = service.save_activity(db(), _activity_from_form(data), activity_id)
        return service.activity_json(db(), view, service.zone(db()))

    return _done(save, t("Seckill activity saved."),
                 url_for(".activity_view", activity_id=activity_id),
                 lambda error: _form(current, forms.field_errors(error), error.status))


@seckill_console.post("/seckill/activities/<int:activity_id>/delete")
def activity_delete(activity_id: int) -> ResponseReturnValue:
    return _done(lambda: service.delete_activity(db(), activity_id), t("Seckill activity deleted."),
                 url_for(".activity_list"))


# --- live board ------------------------------------------------------------------------------


@seckill_console.get("/seckill/live")
def live_board() -> ResponseReturnValue:
    body = live.live_board(db(), state().redis, _shop_id(), public=False)
    if forms.wants_json() or request.args.get("format") == "json":
        return jsonify(body)
    return _render("seckill/live.html", items=body["items"])
