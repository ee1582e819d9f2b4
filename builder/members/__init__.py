"""The console screens of the members, points and wallet modules: the member list and detail
(ledgers, tags, manual adjustments with an audit log, export), levels, tags, membership
cards; the stored-value reconciliation (finance). Sign-in has its own (``builder.signin``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.members import i18n
    from builder.members.views import members_console
    from builder.members.wallet_views import wallet_console

    i18n.compile_catalog()
    app.register_blueprint(members_console)
    app.register_blueprint(wallet_console)
    lazy = i18n.lazy_gettext
    nav.register(app, "members", lazy("Members"), "members_console.member_list", order=10)
    nav.register(app, "members", lazy("Levels"), "members_console.levels", order=20)
    nav.register(app, "members", lazy("Tags"), "members_console.tags", order=30)
    nav.register(app, "members", lazy("Membership cards"), "members_console.cards", order=40)
    nav.register(app, "members", lazy("Member exports"), "members_console.exports", order=50)
    nav.register(app, "members", lazy("Member and points settings"), "members_console.settings",
                 order=60)
    nav.register(app, "finance", lazy("Stored value"), "wallet_console.overview", order=20)
    nav.register(app, "finance", lazy("Top-up settings"), "wallet_console.settings", order=25)
