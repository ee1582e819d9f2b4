"""The points mall's console screens (marketing area): 积分商城 items and 兑换订单; shown
only while the module is on."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.pointsmall.views import pointsmall_console

    app.register_blueprint(pointsmall_console)
    nav.register(app, "marketing", "积分商城", "pointsmall_console.items", order=40,
                 module="pointsmall")
