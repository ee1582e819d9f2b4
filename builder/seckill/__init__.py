"""The seckill console (marketing area): slots, activities with their SKU table and the
live board; present only while the shop has the module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.seckill import i18n
    from builder.seckill.views import seckill_console

    i18n.compile_catalog()
    app.register_blueprint(seckill_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Seckill"), "seckill_console.activity_list",
                 order=40, module="seckill")
