"""The message catalog of the rule-set and dividend screens
(``builder/distribution/rulesets_translations``); templates and views call ``t(...)``."""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask_babel import Domain

TRANSLATIONS = Path(__file__).parent / "rulesets_translations"

domain = Domain(translation_directories=[str(TRANSLATIONS)])
gettext = domain.gettext


def compile_catalog() -> None:
    from builder.i18n import compile_translations

    with contextlib.suppress(OSError):  # a read-only install ships its .mo
        compile_translations(TRANSLATIONS)
