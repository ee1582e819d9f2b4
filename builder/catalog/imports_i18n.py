"""The message catalog of the import/export screens (``builder/catalog/imports_translations``),
kept apart from the catalog console's own; templates and views call ``t(...)``."""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).parent / "imports_translations"

domain = Domain(translation_directories=[str(TRANSLATIONS)])
gettext = domain.gettext
lazy_gettext = domain.lazy_gettext


def compile_catalog() -> None:
    from builder.i18n import compile_translations

    with contextlib.suppress(OSError):  # a read-only install ships its .mo
        compile_translations(TRANSLATIONS)
