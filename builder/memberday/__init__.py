"""The member-day module's console screen (marketing area): what the day gives each member
level, and the next dates; its settings are the generic module settings form. Shown only
while the shop has the module on. Messages come from the members console's catalog."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.memberday.views import memberday_console
    from builder.members import i18n

    app.register_blueprint(memberday_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Member day"),
                 "memberday_console.overview", order=35, module="memberday")
