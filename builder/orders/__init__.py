"""The orders area of the console: order list and export, order detail and actions, pickup
verification, and the order / shipping / pickup / local-delivery settings."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.orders import i18n, wechatpay  # noqa: F401  (the WeChat Pay screen's routes)
    from builder.orders.views import orders_console

    i18n.compile_catalog()
    app.register_blueprint(orders_console)
    nav.register(app, "orders", i18n.lazy_gettext("Orders"), "orders_console.order_list", order=10)
    nav.register(app, "orders", i18n.lazy_gettext("Pickup verification"),
                 "orders_console.pickup_verify", order=20)
    nav.register(app, "orders", i18n.lazy_gettext("Order exports"), "orders_console.exports",
                 order=30)
    nav.register(app, "orders", i18n.lazy_gettext("Invoices"), "orders_console.invoice_queue",
                 order=35)
    nav.register(app, "orders", i18n.lazy_gettext("Order settings"),
                 "orders_console.order_settings", order=40)
