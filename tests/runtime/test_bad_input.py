"""Hostile or broken input gets a 4xx problem, and a Redis that does not answer a 503 within a
second: never a 500 (deep JSON, ids above 2**63, wrong JSON types, Redis paused)."""

from __future__ import annotations

import socket
import time

import pytest

from runtime.app import create_app
from runtime.http import MAX_ID, MAX_JSON_DEPTH

HUGE = 2**64


def _nested(depth: int) -> str:
    return '{"code": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_a_400_problem(client, shop, depth):
    answer = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat", data=_nested(depth),
                         content_type="application/json")
    assert answer.status_code == 400
    assert answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "json_too_deep"


def test_json_within_the_depth_limit_is_parsed(client, shop):
    answer = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat",
                         data=_nested(MAX_JSON_DEPTH - 1), content_type="application/json")
    assert answer.status_code == 422 and answer.json["errors"][0]["pointer"] == "/code"


def test_the_largest_id_is_looked_up_and_not_found(client, shop):
    answer = client.get(f"/api/v1/shops/{shop.slug}/products/{MAX_ID}")
    assert answer.status_code == 404 and answer.json["code"] != "internal_error"


def test_ids_out_of_range_in_a_body_are_refused(app, client, factory, shop, clock):
    token = factory.member_token(shop, factory.member(shop))
    answer = client.post(f"/api/v1/shops/{shop.slug}/cart/items", json={"sku_id": HUGE,
                                                                         "qty": 1},
                         headers={"Authorization": f"Bearer {token}"})
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)


@pytest.mark.parametrize("value", [{}, [], 3, None])
def test_profile_gender_of_the_wrong_type_is_422(client, factory, shop, clock, value):
    token = factory.member_token(shop, factory.member(shop))
    answer = client.patch(f"/api/v1/shops/{shop.slug}/me", json={"gender": value},
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422
    assert [e["pointer"] for e in answer.json["errors"]] == ["/gender"]


@pytest.fixture
def silent_redis():
    """A TCP port that accepts connections and never answers, like a paused Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def test_a_redis_that_does_not_answer_is_a_503_within_a_second(settings, silent_redis, shop):
    app = create_app(settings.replace(redis_url=silent_redis))
    try:
        client = app.test_client()
        token = client.get("/console/login", headers={"Accept": "application/json"})
        started = time.monotonic()
        answer = client.post("/console/login", json={"email": "a@b.cn", "password": "x" * 12},
                             headers={"X-CSRF-Token": token.json["csrf_token"]})
        elapsed = time.monotonic() - started
        assert answer.status_code == 503 and answer.json["code"] == "redis_unavailable"
        assert answer.headers["Retry-After"]
        assert elapsed < 1.5
        page = client.post("/console/login", data={"email": "a@b.cn", "password": "x" * 12,
                                                   "csrf_token": token.json["csrf_token"]},
                           headers={"Accept": "text/html"})
        assert page.status_code == 503 and page.mimetype == "text/html"
    finally:
        app.extensions["mallkit"].engine.dispose()
