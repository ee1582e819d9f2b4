"""Settings forms for the flat settings of the members, points and wallet modules, built from
each module's settings schema (``x-label``, ``x-ui``, type, enum, bounds), so a setting added
to a ``module.json`` shows up without touching a template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale

from runtime.errors import FieldError
from runtime.fielderrors import FieldErrors
from runtime.modules.registry import load_modules


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # number | toggle | select
    value: Any
    options: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


def _label(prop: dict[str, Any], name: str) -> str:
    labels = prop.get("x-label") or {}
    locale = str(get_locale() or "zh")
    return labels.get("en") if locale.startswith("en") and "en" in labels \
        else labels.get("zh-CN", name)


def _properties(module_id: str) -> dict[str, dict[str, Any]]:
    return load_modules()[module_id].manifest["settings"]["properties"]


def fields(module_id: str, values: dict[str, Any]) -> list[Field]:
    """The scalar settings of a module as form fields (lists are edited elsewhere)."""
    out = []
    for name, prop in _properties(module_id).items():
        if prop.get("type") == "integer":
            out.append(Field(name, _label(prop, name), "number", values.get(name),
                             minimum=prop.get("minimum"), maximum=prop.get("maximum")))
        elif prop.get("type") == "boolean":
            out.append(Field(name, _label(prop, name), "toggle", bool(values.get(name))))
        elif "enum" in prop:
            out.append(Field(name, _label(prop, name), "select", values.get(name),
                             options=tuple(prop["enum"])))
    return out


def parse(module_id: str, form: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The submitted scalar settings over ``current``; a 422 names each one that is not a
    whole number (bounds and enums are checked by the module's schema afterwards)."""
    values = dict(current)
    errors = FieldErrors()
    for field in fields(module_id, current):
        raw = form.get(field.name)
        if field.kind == "toggle":
            values[field.name] = raw in ("on", "true", "1", True)
        elif field.kind == "number":
            text = str(raw if raw is not None else "").strip()
            if text.lstrip("-").isdigit():
                values[field.name] = int(text)
            else:
                errors.append(FieldError(f"/settings/{field.name}", "a whole number", "type"))
        elif raw is not None:
            values[field.name] = str(raw)
    errors.raise_if_any()
    return values
