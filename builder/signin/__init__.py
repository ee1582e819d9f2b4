"""The sign-in module's console screens (marketing area): settings, records, stats; shown
only while the shop has the module on. Messages come from the members console's catalog."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.members import i18n
    from builder.signin.views import signin_console

    app.register_blueprint(signin_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Daily sign-in"),
                 "signin_console.settings", order=30, module="signin")
