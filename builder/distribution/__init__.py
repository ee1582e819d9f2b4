"""The distribution module's console screens (marketing area), shown only while the shop has
the module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.distribution import i18n, rulesets_i18n
    from builder.distribution.rulesets_views import rulesets_console
    from builder.distribution.views import distribution_console

    i18n.compile_catalog()
    rulesets_i18n.compile_catalog()
    app.jinja_env.globals["distribution_t"] = i18n.gettext
    app.register_blueprint(distribution_console)
    app.register_blueprint(rulesets_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Distribution"),
                 "distribution_console.overview", order=40, module="distribution")
    nav.register(app, "finance", i18n.lazy_gettext("Commission withdrawals"),
                 "distribution_console.withdrawal_list", order=40, module="distribution")
