"""``GET /healthz``: is the database reachable, is Redis reachable."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from runtime.extension import state

log = logging.getLogger(__name__)
health = Blueprint("health", __name__)


def _check_database() -> str:
    try:
        with state().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:
        log.warning("health: database unreachable: %s", exc)
        return "unreachable"


def _check_redis() -> str:
    try:
        state().redis.ping()
        return "ok"
    except Exception as exc:
        log.warning("health: redis unreachable: %s", exc)
        return "unreachable"


@health.get("/healthz")
def healthz():
    checks = {"database": _check_database(), "redis": _check_redis()}
    ok = all(v == "ok" for v in checks.values())
    response = jsonify({"status": "ok" if ok else "unavailable", "checks": checks})
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    app.register_blueprint(health)
