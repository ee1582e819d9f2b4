"""H5 storefront pages under ``/s/<shop>/``: the shop's published pages through its theme.

The page routes do not enter the shop up front: a cached page is answered without SQL, and
the cache-miss path enters the shop itself (404 for unknown or inactive shops).
"""

from __future__ import annotations

from flask import Blueprint, Flask

from runtime.api import enter_shop_from_url, keep_shop_in_url
from runtime.pages import output

storefront = Blueprint("storefront", __name__, url_prefix="/s/<shop_slug>",
                       template_folder="templates")
storefront.url_value_preprocessor(enter_shop_from_url)
storefront.url_defaults(keep_shop_in_url)

storefront_pages = Blueprint("storefront_pages", __name__, url_prefix="/s/<shop_slug>")


@storefront_pages.get("/")
def home(shop_slug: str):
    """The shop's home page."""
    return output.published(shop_slug, "home", "html")


@storefront_pages.get("/pages/<slug>")
def page(shop_slug: str, slug: str):
    """A published page of the shop."""
    return output.published(shop_slug, slug, "html")


def init_app(app: Flask) -> None:
    app.register_blueprint(storefront)
    app.register_blueprint(storefront_pages)
