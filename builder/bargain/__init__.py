"""The bargain's console screens (marketing area): activities with their editor (SKU picker,
prices in yuan, rules) and the launches with their status; shown only while the shop has the
module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.bargain import i18n
    from builder.bargain.views import bargain_console

    i18n.compile_catalog()
    app.register_blueprint(bargain_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Bargain activities"),
                 "bargain_console.activity_list", order=45, module="bargain")
    nav.register(app, "marketing", i18n.lazy_gettext("Bargain launches"),
                 "bargain_console.launch_list", order=46, module="bargain")
