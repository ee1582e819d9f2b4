"""The bottom tab bar's editor panel (底部导航): ``/navigation`` (the screen) and
``/editor/navigation`` (GET the bar and its revision, PUT ``{"navigation", "revision"}``).
The form is generated from ``schemas/navigation.schema.json`` by the page editor's own
widgets; saving applies to every page at once."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from jinja2.utils import htmlsafe_json_dumps

from builder.editor import i18n
from builder.editor.i18n import gettext as t
from builder.editor.views import _defs_schema, _fail, editor_console
from runtime.errors import MallkitError
from runtime.extension import state
from runtime.headers import allow_eval
from runtime.http import json_body
from runtime.media.processing import MediaLimits
from runtime.pages import navigation, schemas
from runtime.tenancy import current_shop, db


def _editor_schema() -> dict[str, Any]:
    """The bar's schema with its shared types referred to as block settings do
    (``/schemas/defs.schema.json#...``), which the editor's widgets and checks resolve."""
    schema = {k: v for k, v in schemas.registry().contents(schemas.schema_uri("navigation"))
              .items() if k not in ("$id", "$schema")}
    text = json.dumps(schema).replace('"defs.schema.json#', '"/schemas/defs.schema.json#')
    return json.loads(text)


def _state() -> dict[str, Any]:
    bar, revision = navigation.navigation_of(db())
    return {"navigation": bar, "revision": revision}


@editor_console.get("/navigation")
def navigation_screen() -> ResponseReturnValue:
    shop = current_shop()
    assert shop is not None
    limits = MediaLimits.from_settings(state().settings)
    locale = i18n.current_locale()
    boot = {
        **_state(), "locale": locale, "labelLocale": i18n.manifest_locale(locale),
        "messages": i18n.script_catalog(locale), "defs": _defs_schema(),
        "schema": _editor_schema(),
        "shop": {"slug": shop.slug, "name": shop.name},
        "media": {"maxImageBytes": limits.max_image_bytes,
                  "list": url_for("media_console.assets"),
                  "upload": url_for("media_console.upload")},
        "urls": {"state": url_for("editor.navigation_state"),
                 "products": url_for("editor.products"), "groups": url_for("editor.groups"),
                 "categories": url_for("editor.categories"), "pages": url_for("editor.pages"),
                 "images": url_for("editor.images"), "storefront": f"/s/{shop.slug}/"},
    }
    db().commit()
    allow_eval()  # Ajv compiles the schema into a function
    return render_template("editor/navigation.html", t=t,
                           boot=htmlsafe_json_dumps(boot, ensure_ascii=False))


@editor_console.route("/editor/navigation", methods=["GET", "PUT"])
def navigation_state() -> ResponseReturnValue:
    """The shop's tab bar; PUT stores it (422 with pointers, 409 ``navigation_conflict``)."""
    if request.method == "PUT":
        data = json_body()
        try:
            bar, revision = navigation.save_navigation(db(), data.get("navigation"),
                                                       data.get("revision"))
            db().commit()
        except MallkitError as error:
            _fail(error)
        return jsonify({"navigation": bar, "revision": revision})
    body = _state()
    db().commit()
    return jsonify(body)
