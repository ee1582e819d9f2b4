"""The console's WeChat mini-program settings (AppID and AppSecret), in the settings area."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.wechat import i18n
    from builder.wechat.views import wechat_console

    i18n.compile_catalog()
    app.register_blueprint(wechat_console)
    nav.register(app, "settings", i18n.lazy_gettext("WeChat mini-program"),
                 "wechat_console.app_settings", order=15)
