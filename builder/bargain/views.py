"""Console screens of the bargain (``/console/shops/<shop>/bargain``): the activities, an
activity's editor (a SKU picker, prices in yuan, helpers, limits, window) and the launches
with their status. JSON clients post JSON and get JSON or problem+json (422 naming each
field); browsers get the form again with each bad field's message."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import shop_blueprint
from builder.bargain.i18n import gettext as t
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.bargain import activities, launches, serializers
from runtime.modules.bargain.models import BargainActivity, LaunchStatus
from runtime.modules.catalog.models import Product, Sku
from runtime.money import fen_text, yuan_field
from runtime.shoptime import local_text, zone_of
from runtime.tenancy import current_shop, db

bargain_console = shop_blueprint("bargain_console", __name__, area="marketing",
                                 module="bargain", template_folder="templates")
FLAGS = ("enabled", "floor_only", "self_cut")
INTEGERS = ("sku_id", "helpers_needed", "launches_per_member", "valid_hours", "stock")
PRICES = {"start_price": "start_price_fen", "floor_price": "floor_price_fen"}
ERROR_TEXT = {
    "range": "Out of the allowed range",
    "required": "Required", "max_length": "Too long", "datetime": "Enter a time",
    "order": "The end must come after the start", "not_found": "No such SKU in this shop",
    "type": "Not in the right format", "unknown": "Unknown field"}
STATUS_LABELS = {LaunchStatus.CUTTING: "Cutting", LaunchStatus.FLOOR: "At the floor price",
                 LaunchStatus.BOUGHT: "Bought", LaunchStatus.EXPIRED: "Expired"}
STATE_LABELS = {"live": "Running", "not_started": "Not started", "ended": "Ended"}


def _zone() -> Any:
    return zone_of(current_shop())


def _local(moment: Any, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local_text(moment, _zone(), fmt)


def _errors(error: ValidationFailed) -> dict[str, str]:
    """Each bad field's message in the console's language, by its pointer."""
    return {e.pointer: t(ERROR_TEXT.get(e.code, "Not valid")) for e in error.errors}


def from_form(data: dict[str, Any]) -> dict[str, Any]:
    """The activity from the form: yuan to fen, shop-local times to ISO with the offset."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {"title": data.get("title", "")}
    for name in ("starts_at", "ends_at"):
        raw = str(data.get(name, ""))
        try:
            values[name] = datetime.fromisoformat(raw).replace(tzinfo=_zone()).isoformat()
        except ValueError:
            values[name] = raw
    for name in INTEGERS:
        raw = str(data.get(name, "")).strip()
        values[name] = int(raw) if raw.isdigit() else raw
    for field, name in PRICES.items():
        values[name] = yuan_field(str(data.get(field, "")).strip(), f"/{name}", errors)
    for name in FLAGS:
        values[name] = data.get(name) in ("on", "true", "1", True)
    if errors:
        raise ValidationFailed(errors)
    return values


def _sku_choices() -> list[tuple[Sku, Product]]:
    """The SKUs a bargain can sell, newest products first (the SKU picker)."""
    rows = db().execute(select(Sku, Product).join(Product, Product.id == Sku.product_id)
                        .where(Product.deleted_at.is_(None), Sku.retired_at.is_(None))
                        .order_by(Product.id.desc(), Sku.id).limit(300))
    return [(sku, product) for sku, product in rows]


def _form(activity: BargainActivity | None, values: dict[str, Any] | None = None,
          errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template("bargain/form.html", activity=activity, values=values or {},
                           errors=errors or {}, choices=_sku_choices(), local=_local,
                           fen_text=fen_text, t=t), status


@bargain_console.get("/bargain")
def activity_list() -> ResponseReturnValue:
    session = db()
    items = serializers.activities_json(session, activities.list_activities(session,
                                                                            limit=100))
    if forms.wants_json():
        return {"items": items}
    return render_template("bargain/list.html", items=items, local=_local, fen_text=fen_text,
                           states=STATE_LABELS, t=t)


@bargain_console.get("/bargain/activities/new")
def activity_new() -> ResponseReturnValue:
    return _form(None)


@bargain_console.get("/bargain/activities/<int:activity_id>")
def activity_edit(activity_id: int) -> ResponseReturnValue:
    activity = activities.get_activity(db(), activity_id)
    if forms.wants_json():
        return serializers.activities_json(db(), [activity])[0]
    return _form(activity)


def _save(activity_id: int | None) -> ResponseReturnValue:
    session = db()
    activity = activities.get_activity(session, activity_id) if activity_id else None
    return forms.save_editor(
        lambda values: (activities.update_activity(session, activity_id, values) if activity_id
                        else activities.create_activity(session, values)),
        from_form, lambda saved: serializers.activities_json(session, [saved])[0],
        lambda data, error: _form(activity, data, _errors(error), 422),
        url_for("bargain_console.activity_list"), created=activity_id is None)


@bargain_console.post("/bargain/activities")
def activity_create() -> ResponseReturnValue:
    return _save(None)


@bargain_console.post("/bargain/activities/<int:activity_id>")
def activity_update(activity_id: int) -> ResponseReturnValue:
    return _save(activity_id)


@bargain_console.get("/bargain/launches")
def launch_list() -> ResponseReturnValue:
    """Launches, newest first, by status and activity."""
    session = db()
    status = request.args.get("status", "")
    status = status if status in {s.value for s in LaunchStatus} else ""
    activity_id = request.args.get("activity_id", type=int)
    rows = launches.list_launches(session, status=status, activity_id=activity_id)
    items = serializers.launches_json(session, rows)
    if forms.wants_json():
        return {"items": items}
    return render_template("bargain/launches.html", items=items, status=status,
                           statuses=STATUS_LABELS, local=_local, fen_text=fen_text, t=t)
