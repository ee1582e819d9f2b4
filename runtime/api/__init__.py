"""The mini-program JSON API, versioned under ``/api/v1``.

Each module creates its own blueprint with :func:`shop_api_blueprint`; the shop in the URL
is resolved (404 if unknown) and the request's session is scoped to it before any view runs.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request

from runtime.errors import NotFound
from runtime.tenancy import current_shop, db, enter_shop

API_PREFIX = "/api/v1"


def shop_api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint mounted at ``/api/v1/shops/<shop_slug>`` that enters the shop first."""
    bp = Blueprint(name, import_name, url_prefix=f"{API_PREFIX}/shops/<shop_slug>")
    bp.url_value_preprocessor(enter_shop_from_url)
    bp.url_defaults(keep_shop_in_url)
    return bp


def shop_pages_blueprint(module_id: str, import_name: str, *, static: bool = True) -> Blueprint:
    """A module's H5 pages (``<module_id>_pages``) at ``/s/<shop_slug>``, entering the shop
    first; templates from the module's ``templates/``, static files (with ``static``) from its
    ``static/`` at ``/_<module_id>-static``."""
    files = ({"static_folder": "static", "static_url_path": f"/_{module_id}-static"}
             if static else {})
    bp = Blueprint(f"{module_id}_pages", import_name, url_prefix="/s/<shop_slug>",
                   template_folder="templates", **files)
    bp.url_value_preprocessor(enter_shop_from_url)
    bp.url_defaults(keep_shop_in_url)
    return bp


def render_shell_page(module_id: str, template: str, title: str, **context: object) -> str:
    """An H5 shell page of a module (``<module_id>/<template>``) whose script reads the API:
    the shop, the title and the shop's API base go in."""
    shop = current_shop()
    assert shop is not None
    return render_template(f"{module_id}/{template}", shop=shop, title=title,
                           api_base=f"{API_PREFIX}/shops/{shop.slug}", **context)


def enter_shop_from_url(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is not None and "shop_slug" in values:
        enter_shop(values.pop("shop_slug"))


def keep_shop_in_url(_endpoint: str, values: dict[str, Any]) -> None:
    shop = current_shop()
    if shop is not None:
        values.setdefault("shop_slug", shop.slug)


def guard_optional_modules(app: Flask, blueprint_modules: dict[str, str]) -> None:
    """Requests to an optional module's blueprints (``{blueprint name: module id}``) answer
    404 for a shop where that module is off."""
    if not blueprint_modules:
        return

    @app.before_request
    def optional_module_must_be_on() -> None:
        module_id = blueprint_modules.get(request.blueprint or "")
        if not module_id or current_shop() is None:
            return
        from runtime.modules.switches import enabled_modules

        if module_id not in enabled_modules(db()):
            raise NotFound(f"'{module_id}' is not switched on for this shop",
                           code="module_disabled")


def init_app(app: Flask) -> None:
    """Nothing global to register yet: unknown /api paths answer problem+json 404."""
