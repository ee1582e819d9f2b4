"""The catalog console's own message catalog (``builder/catalog/translations``); templates
and views call ``t(...)``. The ``.mo`` is built from the ``.po`` at start-up."""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).parent / "translations"

domain = Domain(translation_directories=[str(TRANSLATIONS)])
gettext = domain.gettext
lazy_gettext = domain.lazy_gettext


def compile_catalog() -> None:
    from builder.i18n import compile_translations

    with contextlib.suppress(OSError):  # a read-only install ships its .mo
        compile_translations(TRANSLATIONS)
