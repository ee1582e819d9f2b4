"""The members console's own message catalog (``builder/members/translations``): English
source strings, Chinese translations. Templates call ``t(...)``."""

from __future__ import annotations

from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).parent / "translations"

domain = Domain(translation_directories=[str(TRANSLATIONS)])
gettext = domain.gettext
lazy_gettext = domain.lazy_gettext


def compile_catalog() -> None:
    from builder.i18n import compile_translations

    compile_translations(TRANSLATIONS)
