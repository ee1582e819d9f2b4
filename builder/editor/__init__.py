"""The page editor in the console: the pages list (create, rename, duplicate, delete, set as
home) and the three-pane editor (palette, phone preview of the real render, settings generated
from each block's schema), with the JSON endpoints its scripts use."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from builder import nav
    from builder.editor import (
        i18n,
        navigation,  # noqa: F401  (its routes join the blueprint)
    )
    from builder.editor.views import editor_console

    i18n.compile_catalog()
    app.register_blueprint(editor_console)
    nav.register(app, "pages", i18n.lazy_gettext("Pages"), "editor.pages", order=10)
    nav.register(app, "pages", i18n.lazy_gettext("Bottom navigation"),
                 "editor.navigation_screen", order=12)
