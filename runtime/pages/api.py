"""Mini-program endpoints of the page machinery: ``/api/v1/shops/<shop>/layouts/<slug>``.

This blueprint does not enter the shop before the view (unlike ``shop_api_blueprint``): the
cached path answers without SQL, and the cache-miss path enters the shop itself.
"""

from __future__ import annotations

import io
import mimetypes

from flask import Blueprint, abort, send_file

from runtime.api import API_PREFIX
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.pages import output
from runtime.pages.blocks import PAGE_KINDS

layouts = Blueprint("layouts", __name__, url_prefix=f"{API_PREFIX}/shops/<shop_slug>")

OPENAPI = ApiComponents()
OPENAPI.schema("LayoutNode", {
    "type": "object",
    "required": ["id", "type", "v", "props", "data", "children"],
    "properties": {
        "id": {"type": "string"}, "type": {"type": "string"},
        "v": {"type": "integer", "description": "block settings version"},
        "props": {"type": "object"}, "data": {},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/LayoutNode"}},
    },
})
OPENAPI.schema("Layout", {
    "type": "object",
    "description": "Layout protocol version 1 (docs/protocol.md).",
    "required": ["protocol", "page", "theme", "nodes"],
    "properties": {
        "protocol": {"const": 1},
        "page": {"type": "object", "required": ["id", "slug", "kind", "title", "version"],
                 "properties": {"id": {"type": "integer"}, "slug": {"type": "string"},
                                "kind": {"type": "string",
                                         "description": "one of " + ", ".join(PAGE_KINDS)
                                                        + ", or a kind a module adds "
                                                          "(article)"},
                                "title": {"type": "string"}, "version": {"type": "integer"},
                                "background": {"type": "string"},
                                "background_image": {"type": ["object", "null"]},
                                "nav_style": {"enum": ["default", "immersive"]},
                                "share": {"type": "object"},
                                "popup": {"type": ["object", "null"],
                                          "description": "the popup ad: key, image, link, "
                                                         "frequency (daily, once, always)"}}},
        "theme": {"type": "object", "required": ["id", "version", "tokens"],
                  "properties": {"id": {"type": "string"}, "version": {"type": "string"},
                                 "tokens": {"type": "object"},
                                 "fallback_from": {
                                     "type": "object",
                                     "description": "the shop's theme, when it needs a newer "
                                                    "client (min_client): the default theme "
                                                    "is used; ask the user to upgrade",
                                     "required": ["id", "version", "min_client"],
                                     "properties": {"id": {"type": "string"},
                                                    "version": {"type": "string"},
                                                    "min_client": {"type": "string"}}}}},
        "nodes": {"type": "array", "items": {"$ref": "#/components/schemas/LayoutNode"}},
        "navigation": {"type": "object",
                       "description": "the shop's bottom tab bar (docs/protocol.md): color, "
                                      "selected_color, background, items[] (text, icon, "
                                      "image, selected_image, link, badge)"},
    },
})


@layouts.get("/layouts/<slug>")
@operation(
    tags=["pages"],
    description="The published page as a node tree. `home` is the shop's home page. Served "
                "with a strong ETag; send it back in If-None-Match to get 304.",
    parameters=[
        {"name": "X-Client-Version", "in": "header", "required": False,
         "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
         "description": "The mini-program's version; blocks that need a newer client are left "
                        "out. Absent: the newest client is assumed."},
        {"name": "client", "in": "query", "required": False,
         "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
         "description": "Same as X-Client-Version, for clients that cannot set headers."},
        {"name": "id", "in": "query", "required": False, "schema": {"type": "integer"},
         "description": "product page: the product; category page: the category; "
                        "article page: the article (404 naming id when it is not "
                        "published)"},
        {"name": "group", "in": "query", "required": False, "schema": {"type": "integer"},
         "description": "category page: a product group"},
        {"name": "If-None-Match", "in": "header", "required": False,
         "schema": {"type": "string"}},
    ],
    responses={"200": json_response("Layout", "The layout"),
               "304": {"description": "Not modified (the ETag matched)"}},
)
def layout(shop_slug: str, slug: str):
    """A page's layout for the mini-program."""
    return output.published(shop_slug, slug, "json")


theme_assets = Blueprint("theme_assets", __name__)
ASSET_MAX_AGE = 365 * 24 * 3600


@theme_assets.get("/themes/<theme_id>/<version>/<path:asset>")
def asset(theme_id: str, version: str, asset: str):
    """A theme's static file (bundled or uploaded); the version in the URL lets it be cached
    for a year."""
    theme = output.registries().themes.get(theme_id)
    if theme is None:
        return _uploaded_asset(theme_id, version, asset)
    if theme.version != version:
        abort(404)
    path = theme.asset_path(asset)
    if path is None:
        abort(404)
    return send_file(path, max_age=ASSET_MAX_AGE)


@theme_assets.get("/theme-files/<grant>/<theme_id>/<version>/<path:asset>")
def shop_asset(grant: str, theme_id: str, version: str, asset: str):
    """An uploaded theme's file through a shop's signed URL (private themes: only for shops
    granted it or that installed it; docs/themes.md)."""
    from runtime.themes.assets import pass_shop

    shop_id = pass_shop(theme_id, grant)
    if shop_id is None:
        abort(404)
    return _uploaded_asset(theme_id, version, asset, shop_id)


def _uploaded_asset(theme_id: str, version: str, asset: str, shop_id: int | None = None):
    from runtime.tenancy import db
    from runtime.themes.assets import servable

    found = servable(db(), theme_id, version, shop_id)
    if found is None:
        abort(404)
    row, public = found
    response = send_version_file(row, asset, ASSET_MAX_AGE)
    if not public:
        response.headers["Cache-Control"] = f"private, max-age={ASSET_MAX_AGE}"
    return response


def send_version_file(row, asset: str, max_age: int):
    """A file under ``assets/`` of an uploaded version (404 when it has none)."""
    from runtime.tenancy import db
    from runtime.themes import catalog

    digest = row.files.get(f"assets/{asset}")
    content = catalog.blob(db(), digest) if digest else None
    if content is None:
        abort(404)
    mimetype = mimetypes.guess_type(asset)[0] or "application/octet-stream"
    return send_file(io.BytesIO(content), mimetype=mimetype, max_age=max_age,
                     etag=digest, last_modified=row.created_at)
