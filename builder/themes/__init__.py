"""Console screens of themes: the agency theme studio and the merchant's theme gallery."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.themes import i18n
    from builder.themes.views import screenshot_url, shop_themes, studio

    i18n.compile_catalog()
    app.register_blueprint(studio)
    app.register_blueprint(shop_themes)
    app.jinja_env.globals["theme_screenshot_url"] = screenshot_url
    nav.register(app, "pages", i18n.lazy_gettext("Themes"), "shop_themes.gallery_page", order=70)
