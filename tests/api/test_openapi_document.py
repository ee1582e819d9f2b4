"""The whole ``/api/v1/openapi.json`` is a valid OpenAPI 3.1 document: every ``$ref`` and every
security requirement resolves (the members' ``bearerAuth`` scheme is declared)."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from runtime.api.openapi import ApiComponents
from runtime.pages.manifests import RegistryFrozen


def _document(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_document_validates_against_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema or a broken $ref


def _unresolved(document: dict[str, Any]) -> list[str]:
    """Every ``$ref`` that points nowhere and every security requirement naming an undeclared
    scheme (the validator checks the first, not the second)."""
    problems = []
    for ref in _refs(document):
        try:
            _resolve(document, ref)
        except (KeyError, TypeError):
            problems.append(ref)
    schemes = document.get("components", {}).get("securitySchemes", {})
    for path, item in document["paths"].items():
        for method, op in item.items():
            for requirement in op.get("security", []):
                problems += [f"{method} {path}: {name}" for name in requirement
                             if name not in schemes]
    return problems


def test_every_ref_and_security_requirement_resolves(client):
    document = _document(client)
    assert _unresolved(document) == []
    assert document["components"]["securitySchemes"]["bearerAuth"]["type"] == "http"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    # the members' guards: login required on the orders list, optional on the cart
    orders = document["paths"]["/api/v1/shops/{shop_slug}/orders"]["get"]
    assert orders["security"] == [{"bearerAuth": []}]
    cart = document["paths"]["/api/v1/shops/{shop_slug}/cart"]["get"]
    assert cart["security"] == [{"bearerAuth": []}, {}]


def test_the_check_catches_an_undeclared_scheme_and_a_dangling_ref(client):
    document = _document(client)
    del document["components"]["securitySchemes"]
    document["components"]["schemas"]["Broken"] = {"$ref": "#/components/schemas/Nope"}
    problems = _unresolved(document)
    assert "#/components/schemas/Nope" in problems
    assert "get /api/v1/shops/{shop_slug}/orders: bearerAuth" in problems


def test_components_refuse_conflicts_and_unknown_kinds(app):
    scheme = {"type": "http", "scheme": "bearer"}
    components = ApiComponents()
    components.component("securitySchemes", "bearerAuth", scheme)
    with pytest.raises(ValueError, match="declared twice differently"):
        components.component("securitySchemes", "bearerAuth", {"type": "apiKey"})
    with pytest.raises(ValueError, match="unknown OpenAPI component kind"):
        components.component("widgets", "x", {})
    mismatched = {"securitySchemes": {"bearerAuth": {"type": "apiKey"}}}
    with pytest.raises(RegistryFrozen):  # the app's document is frozen after start-up
        app.extensions["mallkit"].modules.add_openapi(mismatched)
