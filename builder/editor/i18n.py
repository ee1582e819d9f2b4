"""The editor's message catalogs: a Flask-Babel domain for its templates
(``builder/editor/translations``) and the JSON catalogs its scripts read
(``builder/static/editor/i18n/<locale>.json``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import get_locale

from builder.i18n import ModuleCatalog

SCRIPT_CATALOGS = Path(__file__).resolve().parents[1] / "static" / "editor" / "i18n"

catalog = ModuleCatalog(Path(__file__).parent / "translations")
TRANSLATIONS = catalog.directory
domain = catalog.domain
gettext = catalog.gettext
lazy_gettext = catalog.lazy_gettext
ngettext = catalog.ngettext
compile_catalog = catalog.compile


def current_locale() -> str:
    """``en`` or ``zh_CN``: the console user's language (Chinese by default)."""
    return "en" if str(get_locale()) == "en" else "zh_CN"


def manifest_locale(locale: str) -> str:
    """The key of localized manifest text (``x-label``, block names) for a console locale."""
    return "en" if locale == "en" else "zh-CN"


@cache
def script_catalog(locale: str) -> dict[str, Any]:
    """The editor scripts' messages for ``locale`` (read once per process)."""
    path = SCRIPT_CATALOGS / f"{'en' if locale == 'en' else 'zh_CN'}.json"
    return json.loads(path.read_text(encoding="utf-8"))
