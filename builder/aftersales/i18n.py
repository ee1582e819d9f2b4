"""The after-sales console's own message catalog (``builder/aftersales/translations``);
templates and views call ``t(...)``."""

from __future__ import annotations

from pathlib import Path

from builder.i18n import ModuleCatalog

catalog = ModuleCatalog(Path(__file__).parent / "translations")
gettext = catalog.gettext
lazy_gettext = catalog.lazy_gettext
compile_catalog = catalog.compile
