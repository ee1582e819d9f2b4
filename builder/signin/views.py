"""Console screens of the sign-in module (marketing area): settings, records, stats.
They exist only while the shop has the module on (404 otherwise, and no nav entry); the
settings screen can switch the module off, keeping its settings."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from builder import forms
from builder.auth import shop_blueprint
from builder.members.i18n import gettext as t
from builder.members.views import _act, _page_arg, _render
from runtime.errors import FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules import switches
from runtime.modules.members.models import Member
from runtime.modules.signin import service
from runtime.modules.signin.settings import MODULE_ID, save_settings, signin_settings
from runtime.tenancy import db

signin_console = shop_blueprint("signin_console", __name__, area="marketing",
                                template_folder="templates")

INTEGER_FIELDS = ("daily_points", "cycle_days", "makeup_cost_points", "makeup_max_per_month",
                  "remind_hour")
FLAG_FIELDS = ("reset_on_miss", "makeup_enabled", "remind_enabled")


ALWAYS_OPEN = {"signin_console.enable"}


@signin_console.before_request
def _module_on() -> None:
    if request.endpoint not in ALWAYS_OPEN and not switches.is_enabled(db(), MODULE_ID):
        abort(404)


def _pairs(data: dict[str, Any], first: str, second: str, prefix: str) -> list[dict[str, Any]]:
    """Rows of a repeated form group (``rewards_day[]``, ``rewards_points[]``); blank rows
    are dropped; a value that is not a whole number is a 422 naming its row."""
    lefts = data.get(f"{prefix}_{first}") or []
    rights = data.get(f"{prefix}_{second}") or []
    lefts = lefts if isinstance(lefts, list) else [lefts]
    rights = rights if isinstance(rights, list) else [rights]
    rows, errors = [], []
    for a, b in zip(lefts, rights, strict=False):
        if str(a).strip() == "" and str(b).strip() == "":
            continue
        row = {}
        for name, raw in ((first, a), (second, b)):
            text = str(raw).strip()
            if not text.isdigit():
                errors.append(FieldError(f"/settings/{prefix}/{len(rows)}/{name}",
                                         t("a whole number"), "type"))
            row[name] = int(text) if text.isdigit() else text
        rows.append(row)
    if errors:
        raise ValidationFailed(errors)
    return rows


def settings_from_form(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors = FieldErrors()
    for name in INTEGER_FIELDS:
        raw = str(data.get(name, "")).strip()
        if raw.lstrip("-").isdigit():
            values[name] = int(raw)
        else:
            errors.append(FieldError(f"/settings/{name}", t("a whole number"), "type"))
    for name in FLAG_FIELDS:
        values[name] = data.get(name) in ("on", "true", "1", True)
    errors.raise_if_any()
    values["rewards"] = _pairs(data, "day", "points", "rewards")
    values["milestones"] = _pairs(data, "days", "points", "milestones")
    return values


@signin_console.route("/signin/settings", methods=["GET", "POST"], endpoint="settings")
def settings_view() -> ResponseReturnValue:
    session = db()
    if request.method == "POST":
        data = forms.payload()
        values = data.get("settings") if request.is_json else None

        def run() -> dict[str, Any]:
            stored = save_settings(session, values if values is not None
                                   else settings_from_form(data))
            return {"settings": stored}

        return _act(run, t("Sign-in settings saved."), url_for(".settings"))
    values = switches.settings_of(session, MODULE_ID)
    if forms.wants_json():
        return jsonify({"enabled": True, "settings": values})
    return _render("signin/settings.html", values=values,
                   rules=signin_settings(session))


@signin_console.post("/signin/enable")
def enable() -> ResponseReturnValue:
    """Switch the module on (with the settings it had, or the defaults)."""
    session = db()
    switches.enable(session, MODULE_ID)
    session.commit()
    if forms.wants_json():
        return jsonify({"enabled": True})
    return redirect(url_for(".settings"))


@signin_console.post("/signin/disable")
def disable() -> ResponseReturnValue:
    session = db()
    switches.disable(session, MODULE_ID)
    session.commit()
    if forms.wants_json():
        return jsonify({"enabled": False})
    return redirect(url_for("console_shop.home"))


@signin_console.get("/signin/records")
def records() -> ResponseReturnValue:
    session = db()
    day = service.parse_day(request.args["date"]) if request.args.get("date") else None
    raw_member = request.args.get("member_id", "")
    if raw_member and not raw_member.isdigit():
        raise ValidationFailed.single("/member_id", t("a member id"), "type")
    page = _page_arg()
    rows, total = service.records_page(session, page=page, per_page=50, day=day,
                                       member_id=int(raw_member) if raw_member else None)
    names = {m.id: m.display_name for m in session.scalars(
        select(Member).where(Member.id.in_({r.member_id for r in rows})))}
    if forms.wants_json():
        return jsonify({"total": total, "items": [
            {"member_id": r.member_id, "member": names.get(r.member_id, ""),
             "date": r.signin_date.isoformat(), "streak": r.streak, "points": r.points,
             "makeup": r.is_makeup, "cost_points": r.cost_points} for r in rows]})
    return _render("signin/records.html", rows=rows, names=names, total=total,
                   page=page, pages=max((total + 49) // 50, 1),
                   args={k: v for k, v in request.args.items() if k != "page" and v})


@signin_console.get("/signin/stats")
def stats() -> ResponseReturnValue:
    session = db()
    days = service.daily_stats(session, 30)
    totals = service.totals(session)
    if forms.wants_json():
        return jsonify({"totals": totals, "days": [
            {"date": d.date.isoformat(), "signins": d.signins, "makeups": d.makeups,
             "points": d.points} for d in days]})
    return _render("signin/stats.html", days=days, totals=totals,
                   peak=max((d.signins for d in days), default=0))
