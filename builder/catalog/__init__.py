"""The catalog in the console (area ``catalog``): product list with bulk actions, the
product form with its spec/SKU matrix editor, categories and groups."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.catalog import i18n, imports
    from builder.catalog.views import catalog_console, catalog_static

    i18n.compile_catalog()
    app.register_blueprint(catalog_console)
    app.register_blueprint(catalog_static)
    nav.register(app, "catalog", i18n.lazy_gettext("Products"), "catalog_console.products",
                 order=10)
    nav.register(app, "catalog", i18n.lazy_gettext("Categories"), "catalog_console.categories",
                 order=20)
    nav.register(app, "catalog", i18n.lazy_gettext("Groups"), "catalog_console.groups", order=30)
    imports.init_app(app)
