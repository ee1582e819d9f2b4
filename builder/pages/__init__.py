"""Console endpoints of the page editor. For now: the draft preview (H5 or layout JSON),
rendered fresh on every request and never cached."""

from __future__ import annotations

from flask import Flask, request

from builder.auth import shop_blueprint
from runtime.headers import storefront_page
from runtime.pages import output

pages_console = shop_blueprint("pages_console", __name__, area="pages")


@pages_console.get("/pages/<slug>/preview")
def preview(slug: str):
    """The page's current draft as H5, or as layout JSON with ``?format=layout``."""
    fmt = "json" if request.args.get("format") == "layout" else "html"
    storefront_page()
    return output.preview(slug, fmt)


def init_app(app: Flask) -> None:
    app.register_blueprint(pages_console)
