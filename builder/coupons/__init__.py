"""The coupons module's console screens (marketing area): templates with their stats, the
editor, pushes to a member segment, settings; shown only while the shop has the module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.coupons.views import coupons_console
    from builder.members import i18n

    app.register_blueprint(coupons_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Coupons"), "coupons_console.index",
                 order=20, module="coupons")
