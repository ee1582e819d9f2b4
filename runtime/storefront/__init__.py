"""H5 storefront pages under ``/s/<shop>/``."""

from __future__ import annotations

from flask import Blueprint, render_template

from runtime.tenancy import enter_shop

storefront = Blueprint("storefront", __name__, url_prefix="/s/<shop_slug>",
                       template_folder="templates")


@storefront.url_value_preprocessor
def _resolve_shop(_endpoint: str | None, values: dict | None) -> None:
    if values is not None and "shop_slug" in values:
        enter_shop(values.pop("shop_slug"))


@storefront.get("/")
def home():
    from runtime.tenancy import current_shop

    return render_template("storefront/placeholder_home.html", shop=current_shop())
