"""H5 storefront pages under ``/s/<shop>/``."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from runtime.api import enter_shop_from_url, keep_shop_in_url
from runtime.tenancy import current_shop

storefront = Blueprint("storefront", __name__, url_prefix="/s/<shop_slug>",
                       template_folder="templates")
storefront.url_value_preprocessor(enter_shop_from_url)
storefront.url_defaults(keep_shop_in_url)


@storefront.get("/")
def home():
    return render_template("storefront/placeholder_home.html", shop=current_shop())


def init_app(app: Flask) -> None:
    app.register_blueprint(storefront)
