"""Helpers shared by console views: read a form or a JSON body, turn domain errors into
per-field messages for a re-rendered form, and keep redirects on this site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, jsonify, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from runtime.errors import MallkitError, ValidationFailed
from runtime.http import json_body
from runtime.tenancy import db

ROLE_LABELS = {"owner": _l("Owner"), "admin": _l("Admin"), "staff": _l("Staff")}
AREA_LABELS = {"pages": _l("Pages"), "catalog": _l("Products"), "orders": _l("Orders"),
               "members": _l("Members"), "marketing": _l("Marketing"),
               "finance": _l("Finance")}
LOCALE_LABELS = {"zh_CN": "简体中文", "en": "English"}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def area_label(area: str) -> str:
    return str(AREA_LABELS.get(area, area))


def wants_json() -> bool:
    """A JSON client: it sent JSON, or prefers JSON over HTML."""
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def payload() -> dict[str, Any]:
    """The submitted fields: the JSON object for JSON requests, else the form."""
    if request.is_json or (request.mimetype or "").endswith("+json"):
        return json_body()
    data: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    for key in request.form:
        values = request.form.getlist(key)
        if len(values) > 1 or key.endswith("[]"):
            data[key.removesuffix("[]")] = values
    return data


def text(data: dict[str, Any], name: str, pointer: str | None = None) -> str:
    """A string field (missing: ""); anything else is a 422 naming it."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed.single(pointer or f"/{name}", "must be a string", "type")
    return value


def field_errors(error: MallkitError) -> dict[str, str]:
    """``{"email": "message"}`` from a ValidationFailed (or a 409 that names its fields)."""
    items: list[tuple[str, str]] = []
    if isinstance(error, ValidationFailed):
        items = [(e.pointer, e.message) for e in error.errors]
    else:
        items = [(e.get("pointer", ""), e.get("message", ""))
                 for e in error.extra.get("errors", [])]
    errors: dict[str, str] = {}
    for pointer, message in items:
        name = pointer.strip("/").split("/")[0] or "_form"
        errors.setdefault(name, _(message))
    if not errors:
        errors["_form"] = _(error.detail)
    return errors


def save(action: Callable[[], Any], status: Callable[[], Any], success: str, back: str,
         errors_of: Callable[[ValidationFailed], dict[str, str]] = field_errors,
         ) -> ResponseReturnValue | dict[str, str]:
    """Run a settings form's save and commit. JSON clients get ``status()`` (or the 422),
    browsers a redirect with ``success``; on a 422 a browser gets the field messages back, to
    render the form again with them."""
    try:
        action()
        db().commit()
    except ValidationFailed as error:
        db().rollback()
        if wants_json():
            raise
        return errors_of(error)
    if wants_json():
        return jsonify(status())
    flash(success, "success")
    return redirect(back)


def save_editor(save: Callable[[dict[str, Any]], Any],
                from_form: Callable[[dict[str, Any]], dict[str, Any]],
                as_json: Callable[[Any], Any],
                form_again: Callable[[dict[str, Any], ValidationFailed], ResponseReturnValue],
                back: str, *, created: bool) -> ResponseReturnValue:
    """An editor's save, committed: JSON clients send the domain's fields and get
    ``as_json(saved)`` (201 when ``created``) or the 422; browsers send the form, which
    ``from_form`` turns into those fields, and are redirected to ``back`` or, on a 422, get
    ``form_again(sent, error)``."""
    data = payload()
    json_client = wants_json()
    try:
        saved = save(data if json_client else from_form(data))
        db().commit()
    except ValidationFailed as error:
        db().rollback()
        if json_client:
            raise
        return form_again(data, error)
    if json_client:
        return as_json(saved), 201 if created else 200
    return redirect(back)


def safe_next(target: str | None, default: str) -> str:
    """Only a path inside the console is followed after login (no open redirect)."""
    if not target or not target.startswith("/console") or target.startswith("//") \
            or "\\" in target or "\n" in target or "\r" in target:
        return default
    return target
