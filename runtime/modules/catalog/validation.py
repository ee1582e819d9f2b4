"""Checking the dicts the catalog services take: every problem is collected with its JSON
pointer, and one :class:`ValidationFailed` names them all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import nh3
from sqlalchemy.orm import Session

from runtime.errors import FieldError, ValidationFailed
from runtime.media.refs import load_assets, ref_errors

MISSING = object()

RICH_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "span", "div", "h1", "h2", "h3",
             "h4", "ul", "ol", "li", "blockquote", "img", "a", "table", "thead", "tbody", "tr",
             "th", "td", "figure", "figcaption", "hr", "section"}
RICH_ATTRIBUTES = {"img": {"src", "alt", "width", "height"}, "a": {"href", "title"},
                   "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitize_html(html: str) -> str:
    """Rich text as merchants may store it: a safe subset of HTML, http(s) links only."""
    return nh3.clean(html or "", tags=RICH_TAGS, attributes=RICH_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer")


class Checker:
    """Collects field errors; :meth:`done` raises them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, pointer: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(pointer, message, code))

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def text(self, data: Mapping[str, Any], key: str, pointer: str, *, required: bool = False,
             max_len: int, nullable: bool = False, blank: bool = True,
             default: Any = MISSING) -> Any:
        """A trimmed string. ``required``: the key must be present; ``blank=False``: when
        present it must not be empty (a title or a name)."""
        value = data.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(f"{pointer}/{key}", "is required", "required")
            return default
        if value is None:
            if nullable:
                return None
            self.add(f"{pointer}/{key}", "must be a string", "type")
            return default
        if not isinstance(value, str):
            self.add(f"{pointer}/{key}", "must be a string", "type")
            return default
        value = value.strip()
        if (required or not blank) and not value:
            self.add(f"{pointer}/{key}", "must not be empty", "required")
            return default
        if len(value) > max_len:
            self.add(f"{pointer}/{key}", f"at most {max_len} characters", "max_length")
            return default
        if nullable and not value:
            return None
        return value

    def integer(self, data: Mapping[str, Any], key: str, pointer: str, *,
                required: bool = False, nullable: bool = False, minimum: int | None = 0,
                maximum: int | None = 2_000_000_000, default: Any = MISSING) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(f"{pointer}/{key}", "is required", "required")
            return default
        if value is None:
            if nullable:
                return None
            self.add(f"{pointer}/{key}", "must be an integer", "type")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{pointer}/{key}", "must be an integer", "type")
            return default
        if minimum is not None and value < minimum:
            self.add(f"{pointer}/{key}", f"must be at least {minimum}", "minimum")
            return default
        if maximum is not None and value > maximum:
            self.add(f"{pointer}/{key}", f"must be at most {maximum}", "maximum")
            return default
        return value

    def boolean(self, data: Mapping[str, Any], key: str, pointer: str,
                default: Any = MISSING) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.add(f"{pointer}/{key}", "must be true or false", "type")
            return default
        return value

    def choice(self, data: Mapping[str, Any], key: str, pointer: str, choices: tuple[str, ...],
               *, required: bool = False, default: Any = MISSING) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(f"{pointer}/{key}", "is required", "required")
            return default
        if value not in choices:
            self.add(f"{pointer}/{key}", f"must be one of {', '.join(choices)}", "enum")
            return default
        return value

    def moment(self, data: Mapping[str, Any], key: str, pointer: str) -> Any:
        """An aware datetime or an ISO 8601 string with a UTC offset; None clears it."""
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            return value
        if isinstance(value, str) and value.strip():
            try:
                value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.add(f"{pointer}/{key}", "must be an ISO 8601 date-time", "format")
                return MISSING
        if not isinstance(value, datetime):
            self.add(f"{pointer}/{key}", "must be an ISO 8601 date-time", "format")
            return MISSING
        if value.tzinfo is None:
            self.add(f"{pointer}/{key}", "needs a UTC offset (e.g. +08:00)", "format")
            return MISSING
        return value

    def id_list(self, data: Mapping[str, Any], key: str, pointer: str,
                max_items: int = 200) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING:
            return value
        if not isinstance(value, list) or len(value) > max_items:
            self.add(f"{pointer}/{key}", f"must be a list of at most {max_items} ids", "type")
            return MISSING
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int) or item < 1:
                self.add(f"{pointer}/{key}/{i}", "must be a positive integer id", "type")
                return MISSING
        return list(dict.fromkeys(value))

    def image(self, value: Any, pointer: str) -> dict[str, Any] | None:
        """An image reference of the media library: ``{"media_id": int}`` or ``{"url": str}``."""
        problems = ref_errors(value, pointer)
        if problems:
            self.errors.extend(problems)
            return None
        return dict(value)

    def media_exist(self, session: Session, refs: list[tuple[str, dict[str, Any]]]) -> None:
        """Every ``media_id`` among ``(pointer, ref)`` pairs names a live asset of the shop."""
        assets = load_assets(session, [ref for _pointer, ref in refs])
        for pointer, ref in refs:
            media_id = ref.get("media_id")
            if media_id is not None and (media_id not in assets
                                         or assets[media_id].deleted_at is not None):
                self.add(f"{pointer}/media_id", "no such image in the media library",
                         "not_found")

    def images(self, data: Mapping[str, Any], key: str, pointer: str,
               max_items: int = 15) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING:
            return value
        if not isinstance(value, list) or len(value) > max_items:
            self.add(f"{pointer}/{key}", f"must be a list of at most {max_items} images", "type")
            return MISSING
        refs = [self.image(item, f"{pointer}/{key}/{i}") for i, item in enumerate(value)]
        return [ref for ref in refs if ref is not None]

    def optional_image(self, data: Mapping[str, Any], key: str, pointer: str) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING or value is None:
            return value
        ref = self.image(value, f"{pointer}/{key}")
        return MISSING if ref is None else ref
