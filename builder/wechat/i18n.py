"""The WeChat settings screen's own message catalog (``builder/wechat/translations``);
templates and views call ``t(...)``."""

from __future__ import annotations

from pathlib import Path

from builder.i18n import ModuleCatalog

catalog = ModuleCatalog(Path(__file__).parent / "translations")
TRANSLATIONS = catalog.directory
domain = catalog.domain
gettext = catalog.gettext
lazy_gettext = catalog.lazy_gettext
ngettext = catalog.ngettext
compile_catalog = catalog.compile
