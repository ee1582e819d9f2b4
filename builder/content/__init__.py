"""The content module's console screens (area ``pages``): articles (list with filters, the
editor) and article categories; shown only while the shop has the module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.content import i18n
    from builder.content.views import content_console

    i18n.compile_catalog()
    app.register_blueprint(content_console)
    nav.register(app, "pages", i18n.lazy_gettext("Articles"), "content_console.articles",
                 order=60, module="content")
