"""The after-sales screens of the console (orders area): the request list and detail with
the merchant's actions, and the merchant refund posted from an order's detail."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.aftersales import i18n
    from builder.aftersales.views import aftersales_console

    i18n.compile_catalog()
    app.register_blueprint(aftersales_console)
    nav.register(app, "orders", i18n.lazy_gettext("After-sales"),
                 "aftersales_console.aftersale_list", order=15, module="aftersales")
