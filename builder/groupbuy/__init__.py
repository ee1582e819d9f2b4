"""The group buy's console screens (marketing area): activities with their SKU table,
groups with their members and refunds; shown only while the shop has the module on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.groupbuy import i18n
    from builder.groupbuy.views import groupbuy_console

    i18n.compile_catalog()
    app.register_blueprint(groupbuy_console)
    nav.register(app, "marketing", i18n.lazy_gettext("Group buys"),
                 "groupbuy_console.activity_list", order=40, module="groupbuy")
    nav.register(app, "marketing", i18n.lazy_gettext("Groups"), "groupbuy_console.group_list",
                 order=41, module="groupbuy")
