"""Bad input gets problem+json 4xx, never a 500 or an HTML stack trace."""

from __future__ import annotations

import pytest
from flask import Blueprint, jsonify

from runtime.errors import PROBLEM_JSON, ValidationFailed
from runtime.http import json_body


@pytest.fixture
def app(fresh_app):
    """These tests add routes, so they need an app that has served no request yet."""
    return fresh_app


def _add_test_routes(app):
    bp = Blueprint("echo_test", __name__)

    @bp.post("/api/v1/_echo")
    def echo():
        body = json_body()
        if "name" not in body:
            raise ValidationFailed.single("/name", "required", "required")
        return jsonify(body)

    @bp.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals")

    app.register_blueprint(bp)
    return app.test_client()


@pytest.fixture
def echo_client(app):
    return _add_test_routes(app)


def _assert_problem(response, status, code):
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"] and body["type"].endswith(code)
    return body


def test_malformed_json_is_400(echo_client):
    response = echo_client.post("/api/v1/_echo", data='{"name": ',
                                content_type="application/json")
    _assert_problem(response, 400, "malformed_json")


def test_wrong_content_type_is_415(echo_client):
    response = echo_client.post("/api/v1/_echo", data="name=x",
                                content_type="application/x-www-form-urlencoded")
    _assert_problem(response, 415, "unsupported_media_type")


def test_json_that_is_not_an_object_is_422_with_pointer(echo_client):
    body = _assert_problem(echo_client.post("/api/v1/_echo", json=[1, 2]), 422,
                           "validation_failed")
    assert body["errors"] == [{"pointer": "", "message": "request body must be a JSON object",
                               "code": "type"}]


def test_missing_field_names_the_pointer(echo_client):
    body = _assert_problem(echo_client.post("/api/v1/_echo", json={}), 422, "validation_failed")
    assert body["errors"][0]["pointer"] == "/name"


def test_oversized_body_is_413(app, echo_client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = echo_client.post("/api/v1/_echo", data=b"x" * (limit + 1),
                                content_type="application/json")
    _assert_problem(response, 413, "payload_too_large")


def test_oversized_limit_is_configurable(settings):
    from runtime.app import create_app

    app = create_app(settings.replace(max_request_bytes=100))
    assert app.config["MAX_CONTENT_LENGTH"] == 100
    response = _add_test_routes(app).post("/api/v1/_echo", data=b"{" * 200,
                                          content_type="application/json")
    assert response.status_code == 413
    app.extensions["mallkit"].engine.dispose()


def test_unknown_route_is_404_problem(client):
    _assert_problem(client.get("/api/v1/no/such/thing"), 404, "not_found")
    _assert_problem(client.get("/nowhere", headers={"Accept": "application/json"}), 404,
                    "not_found")


def test_wrong_method_is_405_problem(client):
    response = client.post("/healthz")
    _assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_500_problem_without_internals(echo_client):
    response = echo_client.get("/api/v1/_boom")
    body = _assert_problem(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in body["detail"]


def test_unknown_shop_is_404(client):
    _assert_problem(client.get("/s/no-such-shop/", headers={"Accept": "application/json"}),
                    404, "shop_not_found")
    html = client.get("/s/no-such-shop/", headers={"Accept": "text/html"})
    assert html.status_code == 404 and html.mimetype == "text/html"
    assert "Traceback" not in html.get_data(as_text=True)
