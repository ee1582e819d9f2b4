"""The media library in the console: a page to browse, upload, rename and delete a shop's
images, and the JSON endpoints the editor and the product forms use as a picker."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.media import i18n
    from builder.media.views import media_console, media_static

    i18n.compile_catalog()
    app.register_blueprint(media_console)
    app.register_blueprint(media_static)
    nav.register(app, "pages", i18n.lazy_gettext("Media library"), "media_console.library",
                 order=80)
