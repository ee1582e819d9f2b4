"""Console languages: Simplified Chinese by default, English per user (Flask-Babel).

The ``.po`` sources live in ``builder/translations``; their ``.mo`` files are built at start-up
when missing or older than the source, so a fresh clone needs no extra step.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, Domain

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"
DEFAULT_LOCALE = "zh"
LOCALES = ("zh_CN", "en")


def compile_translations(directory: Path = TRANSLATIONS) -> list[Path]:
    """Write ``messages.mo`` next to every ``messages.po`` that is newer; returns those built."""
    built: list[Path] = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        # Write beside and rename, so a concurrent start-up never reads half a file.
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        built.append(mo_path)
        log.info("compiled %s", mo_path)
    return built


class ModuleCatalog:
    """A console package's own message catalog (its ``translations`` folder) as a Flask-Babel
    domain, so each package owns its strings; the ``.mo`` files are built at start-up."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.domain = Domain(translation_directories=[str(directory)])
        self.gettext = self.domain.gettext
        self.lazy_gettext = self.domain.lazy_gettext
        self.ngettext = self.domain.ngettext

    def compile(self) -> None:
        try:
            compile_translations(self.directory)
        except OSError:  # a read-only install ships its .mo files
            log.warning("could not compile %s", self.directory, exc_info=True)


def select_locale() -> str:
    """The user's language in the console; otherwise the browser's, Chinese by default.

    Users store ``zh_CN`` or ``en``; the catalog is ``zh`` (Babel would expand ``zh_CN`` to
    ``zh_Hans_CN`` and miss a ``zh_CN`` folder)."""
    from builder.auth import current_user, is_console_request

    if not request:
        return "zh"
    if is_console_request():
        user = current_user()
        if user is not None and user.locale in LOCALES:
            return "en" if user.locale == "en" else "zh"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh-CN")
    return "en" if best == "en" else "zh"


def init_app(app: Flask) -> None:
    try:
        compile_translations()
    except OSError:
        # A read-only install ships its .mo files; without them the console falls back to
        # the English source strings rather than failing to start.
        log.warning("could not compile the console translations", exc_info=True)
    dirs = [p for p in app.config.get("BABEL_TRANSLATION_DIRECTORIES", "").split(";") if p]
    if str(TRANSLATIONS) not in dirs:
        dirs.append(str(TRANSLATIONS))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    if "babel" not in app.extensions:
        Babel(app, locale_selector=select_locale)
