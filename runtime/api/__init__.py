"""The mini-program JSON API, versioned under ``/api/v1``."""

from __future__ import annotations

from flask import Blueprint

from runtime.errors import NotFound

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@api.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(path: str):
    raise NotFound(f"no API resource at /api/v1/{path}", code="unknown_route")
