"""The module screen's own message catalog (``builder/modules/translations``); templates and
views call ``t(...)``. The ``.mo`` is built from the ``.po`` at start-up."""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask_babel import Domain, get_locale

TRANSLATIONS = Path(__file__).parent / "translations"

domain = Domain(translation_directories=[str(TRANSLATIONS)])
gettext = domain.gettext
lazy_gettext = domain.lazy_gettext


def compile_catalog() -> None:
    from builder.i18n import compile_translations

    with contextlib.suppress(OSError):  # a read-only install ships its .mo
        compile_translations(TRANSLATIONS)


def localized(text: object, default: str = "") -> str:
    """A manifest's ``{"zh-CN": ..., "en": ...}`` text in the console's language."""
    if not isinstance(text, dict):
        return str(text) if text not in (None, "") else default
    key = "en" if str(get_locale() or "zh").startswith("en") else "zh-CN"
    return str(text.get(key) or text.get("zh-CN") or next(iter(text.values()), default))
