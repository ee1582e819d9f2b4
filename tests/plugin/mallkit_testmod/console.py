"""The test module's console page (marketing area), shown while the module is on."""

from __future__ import annotations

from flask import Flask

from builder import nav
from builder.auth import shop_blueprint

testmod_console = shop_blueprint("testmod_console", __name__, area="marketing",
                                 module="testmod")


@testmod_console.get("/testmod")
def overview() -> str:
    return "<h1>测试模块</h1>"


def init_app(app: Flask) -> None:
    app.register_blueprint(testmod_console)
    nav.register(app, "marketing", "测试模块", "testmod_console.overview", order=90,
                 module="testmod")
