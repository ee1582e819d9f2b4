"""One way to check input field by field and answer with every problem at once.

``errors = FieldErrors()`` is a list of :class:`~runtime.errors.FieldError` (so it goes where
a list goes, e.g. :func:`runtime.money.yuan_field`); its readers (``integer``, ``boolean``,
``text``, ``number``, ``moment``) return the clean value or record why not and return None, and
:meth:`FieldErrors.raise_if_any` raises the one 422 naming them all::

    errors = FieldErrors()
    days = errors.integer(data, "days", 1, 365)
    errors.raise_if_any()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from runtime.errors import FieldError, ValidationFailed


class FieldErrors(list[FieldError]):
    """The field errors of one input, raised together."""

    def add(self, pointer: str, message: str, code: str = "invalid") -> None:
        self.append(FieldError(pointer, message, code))

    def check(self, ok: bool, pointer: str, message: str, code: str = "invalid") -> bool:
        """Record an error unless ``ok``; returns ``ok``."""
        if not ok:
            self.add(pointer, message, code)
        return ok

    def raise_if_any(self, detail: str | None = None) -> None:
        if self:
            raise ValidationFailed(list(self), detail)

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Keep going past a helper that raises :class:`ValidationFailed`: its errors are
        recorded here instead."""
        try:
            yield
        except ValidationFailed as exc:
            self.extend(exc.errors)

    def unknown(self, data: Mapping[str, Any], allowed: Iterable[str], at: str = "") -> None:
        """Record every field of ``data`` not in ``allowed``."""
        for name in sorted(set(data) - set(allowed)):
            self.add(f"{at}/{name}", f"unknown field '{name}'", "unknown")

    def require(self, data: Mapping[str, Any], names: Iterable[str], at: str = "") -> None:
        """Record every one of ``names`` missing from ``data``."""
        for name in names:
            if name not in data:
                self.add(f"{at}/{name}", f"'{name}' is required", "required")

    # --- readers: the clean value, or None with the error recorded at ``{at}/{name}`` ----------

    def integer(self, data: Mapping[str, Any], name: str, low: int, high: int, *,
                required: bool = True, at: str = "",
                code: str = "range") -> int | None:
        """A whole number (not a boolean) from ``low`` to ``high``; absent is None, and an
        error when ``required``."""
        value = data.get(name)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.add(f"{at}/{name}", f"a whole number from {low} to {high}", code)
            return None
        return value

    def number(self, data: Mapping[str, Any], name: str, low: float, high: float, *,
               at: str = "", code: str = "range") -> float | None:
        """A finite number (not a boolean) from ``low`` to ``high``."""
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not low <= value <= high:
            self.add(f"{at}/{name}", f"a number from {low} to {high}", code)
            return None
        return float(value)

    def boolean(self, data: Mapping[str, Any], name: str, *,
                at: str = "") -> bool | None:
        """``true`` or ``false`` (JSON), nothing else."""
        value = data.get(name)
        if not isinstance(value, bool):
            self.add(f"{at}/{name}", "true or false", "type")
            return None
        return value

    def moment(self, data: Mapping[str, Any], name: str, *, at: str = "") -> datetime | None:
        """An ISO 8601 time with its UTC offset (``2026-12-01T10:00:00+08:00``)."""
        value = data.get(name)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.add(f"{at}/{name}", "an ISO 8601 time with its UTC offset", "datetime")
            return None
        return moment

    def text(self, data: Mapping[str, Any], name: str, limit: int, *, required: bool = True,
             at: str = "") -> str | None:
        """A string of at most ``limit`` characters, stripped; blank counts as missing."""
        where = f"{at}/{name}"
        value = data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(where, f"{name} is required", "required")
            return None
        if len(value.strip()) > limit:
            self.add(where, f"at most {limit} characters", "max_length")
            return None
        return value.strip()
