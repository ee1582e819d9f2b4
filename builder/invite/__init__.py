"""The invite module's console screen (marketing area): the rules, the totals and the
invitations with what each side was given; its settings are the generic module settings
form. Shown only while the shop has the module on. Messages come from the members console's
catalog."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.invite.views import invite_console
    from builder.members import i18n

    app.register_blueprint(invite_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Invite rewards"),
                 "invite_console.overview", order=36, module="invite")
