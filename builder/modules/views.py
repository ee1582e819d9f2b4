"""应用中心 / Modules: every module of the registry for owners and admins — core ones always on,
optional ones with an on/off switch — and each module's settings form built from its schema.
Switching a module off keeps its settings; switching it on again restores them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import require_shop_manager, shop_blueprint
from builder.modules import schema_form
from builder.modules.i18n import gettext as t
from builder.modules.i18n import localized
from runtime.errors import FieldError, MallkitError, NotFound, ValidationFailed
from runtime.modules import switches
from runtime.modules.registry import ModuleManifest, ModuleRegistry
from runtime.tenancy import db

modules_console = shop_blueprint("modules_console", __name__, template_folder="templates")
modules_static = Blueprint("modules_static", __name__, static_folder="static",
                           static_url_path="/console/modules-static")


def _registry() -> ModuleRegistry:
    return current_app.extensions["mallkit"].registries["pages"].modules


def _module(module_id: str) -> ModuleManifest:
    module = _registry().get(module_id)
    if module is None:
        raise NotFound(f"no module '{module_id}'", code="module_not_found")
    return module


def _summary(module: ModuleManifest, state: switches.ModuleState) -> dict[str, Any]:
    manifest = module.manifest
    return {"id": module.id, "name": localized(manifest["name"], module.id),
            "description": localized(manifest.get("description")), "core": module.core,
            "enabled": state.is_enabled(module.id), "requires": list(module.requires),
            "has_settings": bool(schema_form.supported(manifest.get("settings") or {})),
            "settings": state.settings_of(module.id)}


def _render(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(template, t=t, **context), status


@modules_console.get("/modules", endpoint="modules")
@require_shop_manager
def module_list() -> ResponseReturnValue:
    """Every module: core (always on) and optional (switchable) ones."""
    registry = _registry()
    state = switches.module_state(db(), registry)
    items = sorted((_summary(m, state) for m in registry),
                   key=lambda m: (not m["core"], m["id"]))
    if forms.wants_json():
        return jsonify({"modules": items})
    names = {m["id"]: m["name"] for m in items}
    return _render("modules/list.html", modules=items, names=names)


def _settings_page(module: ModuleManifest, values: dict[str, Any], status: int = 200,
                   errors: dict[str, str] | None = None) -> ResponseReturnValue:
    state = switches.module_state(db(), _registry())
    schema = module.manifest.get("settings") or {}
    errors = errors or {}
    form = schema_form.fields(schema, values, errors)
    shown = {f.pointer for f in form} | {r.pointer for f in form for row in f.rows for r in row}
    shown |= {f"{f.pointer}/{i}" for f in form for i in range(len(f.rows))}
    stray = [m for p, m in errors.items() if p not in shown]
    return _render("modules/settings.html", status, module=_summary(module, state),
                   fields=form, form_errors=stray)


@modules_console.get("/modules/<module_id>", endpoint="module_settings")
@require_shop_manager
def settings_view(module_id: str) -> ResponseReturnValue:
    """One module: its switch and its settings form."""
    module = _module(module_id)
    values = switches.settings_of(db(), module.id, _registry())
    if forms.wants_json():
        state = switches.module_state(db(), _registry())
        return jsonify(_summary(module, state))
    return _settings_page(module, values)


@modules_console.post("/modules/<module_id>/settings", endpoint="save_settings")
@require_shop_manager
def save_settings(module_id: str) -> ResponseReturnValue:
    """Save a module's settings (on or off); 422 names each bad field."""
    module = _module(module_id)
    session = db()
    data = forms.payload()
    if forms.wants_json() or isinstance(data.get("settings"), dict):
        values = data.get("settings")
        problems = []
    else:
        current = switches.settings_of(session, module.id, _registry())
        values, problems = schema_form.parse(module.manifest.get("settings") or {}, data,
                                             current)
    try:
        if problems:
            raise ValidationFailed(problems + _schema_errors(module, values, problems))
        stored = switches.update_settings(session, module.id, values, _registry())
        session.commit()
    except ValidationFailed as error:
        session.rollback()
        if forms.wants_json() or not isinstance(values, dict):
            raise
        messages = {}
        for item in error.errors:
            messages.setdefault(item.pointer, t(item.message))
        return _settings_page(module, values, 422, messages)
    if forms.wants_json():
        return jsonify({"settings": stored})
    flash(t("Settings saved."), "success")
    return redirect(url_for(".module_settings", module_id=module.id))


def _schema_errors(module: ModuleManifest, values: dict[str, Any],
                   problems: list[FieldError]) -> list[FieldError]:
    """The schema's complaints about the other fields, so one submit shows every error."""
    try:
        switches.validate_settings(module, values)
    except ValidationFailed as error:
        seen = {p.pointer for p in problems}
        return [e for e in error.errors if e.pointer not in seen]
    return []


def _switch(module_id: str, on: bool) -> ResponseReturnValue:
    module = _module(module_id)
    session = db()
    try:
        if on:
            switches.enable(session, module.id, modules=_registry())
        else:
            switches.disable(session, module.id, modules=_registry())
        session.commit()
    except MallkitError as error:
        session.rollback()
        if forms.wants_json():
            raise
        flash(t(error.detail), "error")
        return redirect(url_for(".modules"))
    if forms.wants_json():
        return jsonify({"id": module.id, "enabled": on})
    state = switches.module_state(session, _registry())
    name = _summary(module, state)["name"]
    flash(t("%(name)s is on.", name=name) if on else
          t("%(name)s is off; its settings are kept.", name=name), "success")
    return redirect(url_for(".modules"))


@modules_console.post("/modules/<module_id>/enable", endpoint="enable")
@require_shop_manager
def enable(module_id: str) -> ResponseReturnValue:
    """Switch a module on with the settings it had (or its defaults)."""
    return _switch(module_id, True)


@modules_console.post("/modules/<module_id>/disable", endpoint="disable")
@require_shop_manager
def disable(module_id: str) -> ResponseReturnValue:
    """Switch an optional module off, keeping its settings."""
    return _switch(module_id, False)
