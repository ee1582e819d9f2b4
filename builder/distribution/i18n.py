"""The distribution console's own message catalog (``builder/distribution/translations``);
templates and views call ``t(...)``, the shared nav ``distribution_t(...)`` (it is included by the
rule-set screens too, whose ``t`` is their own catalog's)."""

from __future__ import annotations

from pathlib import Path

from builder.i18n import ModuleCatalog

catalog = ModuleCatalog(Path(__file__).parent / "translations")
gettext = catalog.gettext
lazy_gettext = catalog.lazy_gettext
compile_catalog = catalog.compile
