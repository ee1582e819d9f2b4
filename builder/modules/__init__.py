"""应用中心 / Modules in the console (owners and admins, nav section ``settings``): which
modules the shop has on, the on/off switch of optional ones, and settings forms generated from
each module's settings schema."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.modules import i18n
    from builder.modules.views import modules_console, modules_static

    i18n.compile_catalog()
    app.register_blueprint(modules_console)
    app.register_blueprint(modules_static)
    nav.register(app, "settings", i18n.lazy_gettext("Modules"), "modules_console.modules", order=30)
