"""A generic settings form from a module's settings JSON Schema.

Scalars (string, integer, number, boolean, enum) become one input each; an array of objects
becomes repeated fieldsets (rows named ``<prop>.<i>.<member>``, added and removed in the page by
``module-settings.js``). :func:`parse` turns the submitted form back into settings, keeping what
could not be read as typed so the form can be shown again with the errors on their fields; the
module's schema then checks the result (``switches.update_settings``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from builder.modules.i18n import gettext as t
from builder.modules.i18n import localized
from runtime.errors import FieldError

INTEGER = re.compile(r"-?\d+")
TRUE = ("on", "true", "1")


@dataclass
class Field:
    """One input (or, for ``kind == "list"``, a repeated group of inputs) of the form."""

    name: str  # the form field name, e.g. ``daily_points`` or ``rewards.0.day``
    pointer: str  # the JSON pointer of its value, e.g. ``/settings/rewards/0/day``
    label: str
    kind: str  # text | integer | number | toggle | select | list
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    max_items: int | None = None
    error: str | None = None
    rows: list[list[Field]] = field(default_factory=list)
    blank: list[Field] = field(default_factory=list)  # the row template (index ``__index__``)


def _kind(prop: dict[str, Any]) -> str | None:
    if "enum" in prop:
        return "select"
    kind = prop.get("type")
    if kind == "array" and (prop.get("items") or {}).get("type") == "object":
        return "list"
    return {"string": "text", "integer": "integer", "number": "number",
            "boolean": "toggle"}.get(kind)  # type: ignore[arg-type]


def _options(prop: dict[str, Any]) -> list[tuple[str, str]]:
    labels = prop.get("x-enumLabels") or {}
    return [(str(v), localized(labels.get(str(v)), str(v)) if isinstance(labels, dict)
             else str(v)) for v in prop["enum"]]


def _scalar(name: str, pointer: str, prop: dict[str, Any], kind: str, value: Any,
            errors: dict[str, str]) -> Field:
    return Field(name=name, pointer=pointer, kind=kind, value=value,
                 label=localized(prop.get("x-label") or prop.get("title"), name.split(".")[-1]),
                 options=_options(prop) if kind == "select" else [],
                 minimum=prop.get("minimum"), maximum=prop.get("maximum"),
                 max_length=prop.get("maxLength"), error=errors.get(pointer))


def supported(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The settings this form can edit, by name (the others keep their stored values)."""
    return {n: p for n, p in (schema.get("properties") or {}).items() if _kind(p) is not None}


def fields(schema: dict[str, Any], values: dict[str, Any],
           errors: dict[str, str] | None = None) -> list[Field]:
    """The form for ``values`` (stored or just submitted); ``errors`` maps pointers to
    messages, each shown on the field it names."""
    errors = errors or {}
    out = []
    for name, prop in supported(schema).items():
        kind = _kind(prop)
        pointer = f"/settings/{name}"
        if kind != "list":
            out.append(_scalar(name, pointer, prop, kind or "text", values.get(name), errors))
            continue
        members = supported(prop["items"])
        rows = values.get(name) if isinstance(values.get(name), list) else []
        group = _scalar(name, pointer, prop, "list", None, errors)
        group.max_items = prop.get("maxItems")
        for i, row in enumerate(rows):
            row = row if isinstance(row, dict) else {}
            group.rows.append([
                _scalar(f"{name}.{i}.{m}", f"{pointer}/{i}/{m}", sub, _kind(sub) or "text",
                        row.get(m), errors) for m, sub in members.items()])
            missing = errors.get(f"{pointer}/{i}")
            if missing and group.rows[-1]:
                group.rows[-1][0].error = group.rows[-1][0].error or missing
        group.blank = [_scalar(f"{name}.__index__.{m}", "", sub, _kind(sub) or "text",
                               sub.get("default"), {}) for m, sub in members.items()]
        out.append(group)
    return out


def _read(prop: dict[str, Any], raw: Any, pointer: str, problems: list[FieldError]) -> Any:
    kind = _kind(prop)
    if kind == "toggle":
        return str(raw).lower() in TRUE if raw is not None else False
    text = "" if raw is None else str(raw).strip()
    if kind == "integer":
        if INTEGER.fullmatch(text):
            return int(text)
        problems.append(FieldError(pointer, t("Enter a whole number."), "type"))
        return text
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            problems.append(FieldError(pointer, t("Enter a number."), "type"))
            return text
        return int(number) if number.is_integer() else number
    if kind == "select":
        for option in prop["enum"]:
            if str(option) == text:
                return option
        return text  # the schema's enum check names it
    return "" if raw is None else str(raw)


def parse(schema: dict[str, Any], form: dict[str, Any],
          current: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The submitted settings over ``current`` and the fields that could not be read (with
    their raw text left in place, for showing the form again)."""
    values = dict(current)
    problems: list[FieldError] = []
    for name, prop in supported(schema).items():
        pointer = f"/settings/{name}"
        if _kind(prop) != "list":
            values[name] = _read(prop, form.get(name), pointer, problems)
            continue
        members = supported(prop["items"])
        indices = sorted({int(m.group(1)) for key in form
                          if (m := re.fullmatch(rf"{re.escape(name)}\.(\d+)\.[^.]+", key))})
        rows = []
        for index in indices:
            raw = {m: form.get(f"{name}.{index}.{m}") for m in members}
            if all(str(v or "").strip() == "" for m, v in raw.items()
                   if _kind(members[m]) != "toggle"):
                continue  # an empty row is dropped, not an error
            position = len(rows)
            rows.append({m: _read(sub, raw[m], f"{pointer}/{position}/{m}", problems)
                         for m, sub in members.items()})
        values[name] = rows
    return values, problems
