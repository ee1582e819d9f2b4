"""The promotions module's console screens (marketing area): limited-time discounts (list,
editor with a SKU table, close) and full reductions (list, editor with tiers, close);
shown only while the module is on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.members import i18n
    from builder.promotions.views import promotions_console

    app.register_blueprint(promotions_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Limited-time discounts"),
                 "promotions_console.discounts", order=40, module="promotions")
    nav.register(app, "marketing", i18n.lazy_gettext("Full reductions"),
                 "promotions_console.reductions", order=41, module="promotions")
