"""Structured JSON logs: a request id on every line and in the response, one line per
request naming shop, user or member, route, status and duration; secrets never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from runtime import jobs, logs
from tests.runtime.jobfuncs import log_line


@pytest.fixture
def log_lines(app) -> Iterator[callable]:
    stream = io.StringIO()
    logs.configure(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logs.configure()


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["event"] == "request"]


def test_a_member_request_is_one_json_line_with_its_context(client, factory, shop,
                                                             log_lines):
    member = factory.member(shop)
    token = factory.member_token(shop, member)
    response = client.get(f"/api/v1/shops/{shop.slug}/me",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    request_id = response.headers["X-Request-ID"]
    [line] = _request_lines(log_lines())
    assert line["request_id"] == request_id and len(request_id) == 32
    assert line["shop"] == "alpha" and line["shop_id"] == shop.id
    assert line["member_id"] == member.id and "user_id" not in line
    assert line["route"] == "/api/v1/shops/<shop_slug>/me"
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["logger"] == "mallkit.request"
    assert token not in json.dumps(log_lines())


def test_a_console_request_names_the_user_and_keeps_a_given_request_id(client, factory, shop,
                                                                        log_lines):
    user = factory.merchant(shop)
    factory.console_login(client, user)
    response = client.get("/console/shops/alpha/", headers={"X-Request-ID": "edge-4711-abcd"})
    assert response.headers["X-Request-ID"] == "edge-4711-abcd"
    line = _request_lines(log_lines())[-1]
    assert line["request_id"] == "edge-4711-abcd"
    assert line["user_id"] == user.id and line["shop"] == "alpha"
    assert line["route"] == "/console/shops/<shop_slug>/"


def test_a_bad_request_id_is_replaced_and_errors_are_logged_with_the_request(client,
                                                                             log_lines):
    response = client.get("/api/v1/shops/nowhere/products",
                          headers={"X-Request-ID": "<script> forged"})
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert request_id != "<script> forged" and len(request_id) == 32
    [line] = _request_lines(log_lines())
    assert line["status"] == 404 and line["request_id"] == request_id
    assert "shop" not in line


def test_a_jobs_lines_name_the_job_and_keep_nothing_of_the_job_before(app, redis_conn,
                                                                       log_lines):
    jobs.enqueue(redis_conn, log_line, "first line", {"shop": "alpha"}, jid="log-first")
    jobs.enqueue(redis_conn, log_line, "second line", {}, jid="log-second")
    worker = type("Bound", (jobs.InProcessAppWorker,), {"app": app})(
        [jobs.get_queue(jobs.DEFAULT, redis_conn)], connection=redis_conn)
    assert worker.work(burst=True)
    lines = {line["event"]: line for line in log_lines()}
    first, second = lines["first line"], lines["second line"]
    assert first["job_id"] == "log-first" and first["shop"] == "alpha"
    assert first["job"].endswith("log_line") and "request_id" not in first
    assert second["job_id"] == "log-second" and "shop" not in second


def test_secrets_are_redacted(log_lines):
    logs.get_logger("mallkit.test").warning(
        "wechat call", password="hunter22", app_secret="abc123secret", AppSecret="s3",
        access_token="tok-1", api_key="k-9", mch_key="m-1",
        headers={"Authorization": "Bearer abc.def", "Accept": "json"},
        form=[{"password": "p1", "email": "a@b.c"}])
    logging.getLogger("runtime.wechat").error(
        "refused: Authorization: Bearer eyJhbGciOi.x.y with secret=shhh and %s",
        "password=open-sesame")
    text = json.dumps(log_lines())
    for secret in ("hunter22", "abc123secret", "s3\"", "tok-1", "k-9", "m-1", "abc.def",
                   "p1", "eyJhbGciOi", "shhh", "open-sesame"):
        assert secret not in text, secret
    first, second = log_lines()
    assert first["password"] == "[redacted]" and first["headers"]["Accept"] == "json"
    assert first["form"] == [{"password": "[redacted]", "email": "a@b.c"}]
    assert second["event"].startswith("refused: Authorization: Bearer [redacted]")
    assert second["logger"] == "runtime.wechat" and second["level"] == "error"
