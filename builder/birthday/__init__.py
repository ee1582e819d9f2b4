"""The birthday module's console screen (marketing area): the rule, this month's birthdays and
this year's gifts; its settings are the generic module settings form. Shown only while the
shop has the module on. Messages come from the members console's catalog."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.birthday.views import birthday_console
    from builder.members import i18n

    app.register_blueprint(birthday_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Birthday gifts"),
                 "birthday_console.overview", order=37, module="birthday")
