"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document of the mini-program API.

Every route under ``/api/v1`` appears automatically: its path (Flask converters become path
parameters), method and the first line of the view's docstring as the summary. A view adds
the rest with :func:`operation` (parameters, responses, tags ...); shared schemas and other
components (security schemes ...) are declared on an :class:`ApiComponents` (``OPENAPI``)
that the module names in ``Module.openapi``, and referred to as
``#/components/schemas/<name>``.

    @bp.get("/products/<int:product_id>")
    @operation(tags=["catalog"], responses={"200": json_response("Product")})
    def product_detail(product_id): ...
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, jsonify

from runtime.api import API_PREFIX

F = TypeVar("F", bound=Callable[..., Any])

COMPONENT_KINDS = frozenset({"responses", "parameters", "examples", "requestBodies", "headers",
                             "securitySchemes", "links", "callbacks", "pathItems"})
_CONVERTERS = {"int": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
               "float": {"type": "number"},
               "path": {"type": "string"}, "string": {"type": "string"},
               "uuid": {"type": "string", "format": "uuid"}}
_RULE_ARG = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")

PROBLEM = {
    "description": "An error (RFC 9457 problem details)",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def operation(**fields: Any) -> Callable[[F], F]:
    """Attach OpenAPI operation fields (``parameters``, ``responses``, ``tags``, ...) to a view."""

    def decorate(view: F) -> F:
        existing = getattr(view, "__openapi__", {})
        view.__openapi__ = {**existing, **fields}  # type: ignore[attr-defined]
        return view

    return decorate


class ApiComponents:
    """The OpenAPI components one package declares, collected by the app like a blueprint
    (``Module.openapi`` for modules, ``modules.add_openapi`` for platform parts)."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}

    def schema(self, name: str, schema: dict[str, Any]) -> None:
        """A reusable schema under ``#/components/schemas/<name>``."""
        self.component("schemas", name, schema)

    def component(self, kind: str, name: str, component: dict[str, Any]) -> None:
        """A component under ``#/components/<kind>/<name>`` (e.g. a security scheme)."""
        if kind != "schemas" and kind not in COMPONENT_KINDS:
            raise ValueError(f"unknown OpenAPI component kind {kind!r}; use one of "
                             f"{', '.join(sorted(COMPONENT_KINDS))}")
        registered = self.components.setdefault(kind, {})
        if name in registered and registered[name] != component:
            raise ValueError(f"OpenAPI component {kind}/{name} is declared twice differently")
        registered[name] = copy.deepcopy(component)


def json_response(schema_name: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/"
                                                                f"{schema_name}"}}}}


OPENAPI = ApiComponents()
OPENAPI.schema("Problem", {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "code": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["pointer", "message"],
            "properties": {"pointer": {"type": "string"}, "message": {"type": "string"},
                           "code": {"type": "string"}}}},
    },
})


def build_document(app: Flask) -> dict[str, Any]:
    """Every route under ``/api/v1`` with the components the app's modules declared."""
    components = copy.deepcopy(app.extensions["mallkit"].modules.openapi)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = _RULE_ARG.sub(lambda m: "{" + m.group("name") + "}", rule.rule)
        declared = copy.deepcopy(getattr(view, "__openapi__", {}))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {"operationId": f"{rule.endpoint}.{method.lower()}"}
            doc = (view.__doc__ or "").strip()
            if doc:
                op["summary"] = doc.splitlines()[0]
            op.update(copy.deepcopy(declared))
            named = {p.get("name") for p in op.get("parameters", []) if p.get("in") == "path"}
            path_params = [
                {"name": m.group("name"), "in": "path", "required": True,
                 "schema": _CONVERTERS.get(m.group("conv") or "string", {"type": "string"})}
                for m in _RULE_ARG.finditer(rule.rule) if m.group("name") not in named]
            op["parameters"] = path_params + op.get("parameters", [])
            op.setdefault("responses", {"200": {"description": "OK"}})
            op["responses"].setdefault("default", PROBLEM)
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "mallkit mini-program API", "version": "1",
                 "description": "JSON API for WeChat mini-program shops. Money is integer fen; "
                                "errors are application/problem+json."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components.pop("schemas", {}), **components},
    }


openapi = Blueprint("openapi", __name__)


@openapi.get(f"{API_PREFIX}/openapi.json")
@operation(tags=["meta"], responses={"200": {"description": "This document"}})
def openapi_document():
    """The OpenAPI 3.1 document of this API."""
    document = current_app.extensions["mallkit"].registries.get("openapi.document")
    if document is None:
        document = build_document(current_app)
        current_app.extensions["mallkit"].registries["openapi.document"] = document
    response = jsonify(document)
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app: Flask) -> None:
    app.extensions["mallkit"].modules.add_openapi(OPENAPI.components)
    app.register_blueprint(openapi)
