"""GET /api/v1/openapi.json documents every /api/v1 route, with what views declare."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator


def test_openapi_document(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json
    assert doc["openapi"] == "3.1.0"
    layout = doc["paths"]["/api/v1/shops/{shop_slug}/layouts/{slug}"]["get"]
    assert layout["summary"] == "A page's layout for the mini-program."
    assert layout["tags"] == ["pages"]
    names = [(p["name"], p["in"]) for p in layout["parameters"]]
    assert names[:2] == [("shop_slug", "path"), ("slug", "path")]
    assert ("X-Client-Version", "header") in names
    assert layout["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Layout"}
    assert "304" in layout["responses"]
    assert "/api/v1/openapi.json" in doc["paths"]
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_api_route_is_documented_with_its_path_parameters(client, app):
    doc = client.get("/api/v1/openapi.json").json
    api_rules = {re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-zA-Z_0-9]+)>", r"{\1}", r.rule)
                 for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert api_rules == set(doc["paths"])
    for path, item in doc["paths"].items():
        expected = set(re.findall(r"{([^}]+)}", path))
        for op in item.values():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == expected, path
            assert "default" in op["responses"]
