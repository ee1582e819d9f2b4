"""One error hierarchy, rendered as ``application/problem+json`` (RFC 9457).

Services raise these; views never build error bodies by hand. Validation errors carry
``errors: [{"pointer": "/blocks/2/settings/title", "message": "..."}]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis
import sqlalchemy.exc
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    pointer: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message, "code": self.code}


class MallkitError(Exception):
    """A domain error with an HTTP meaning. ``code`` is a stable machine-readable name."""

    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code:
            self.code = code
        self.extra = extra or {}

    def to_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://mallkit.dev/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        body.update(self.extra)
        return body


class ValidationFailed(MallkitError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"

    def __init__(self, errors: Iterable[FieldError], detail: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__(detail or "; ".join(f"{e.pointer or '/'}: {e.message}"
                                             for e in self.errors[:5]))

    def to_problem(self) -> dict[str, Any]:
        body = super().to_problem()
        body["errors"] = [e.as_dict() for e in self.errors]
        return body

    @classmethod
    def single(cls, pointer: str, message: str, code: str = "invalid") -> ValidationFailed:
        return cls([FieldError(pointer, message, code)])


class BadRequest(MallkitError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class Unauthorized(MallkitError):
    status = 401
    code = "unauthorized"
    title = "Authentication required"


class Forbidden(MallkitError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class NotFound(MallkitError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(MallkitError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailed(MallkitError):
    status = 412
    code = "precondition_failed"
    title = "Precondition failed"


class TooManyRequests(MallkitError):
    status = 429
    code = "rate_limited"
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ServiceUnavailable(MallkitError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"


def problem_response(error: MallkitError) -> Response:
    response = Response(json.dumps(error.to_problem(), ensure_ascii=False),
                        status=error.status, mimetype=PROBLEM_JSON)
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def http_problem(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 413: "payload_too_large",
            415: "unsupported_media_type"}.get(status, f"http_{status}")
    error = MallkitError(exc.description or exc.name, code=code)
    error.status = status
    error.title = exc.name
    response = problem_response(error)
    if status == 405 and exc.response is None:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def wants_html() -> bool:
    """Console and storefront pages answer browsers with HTML; everything else gets JSON."""
    path = request.path
    if path.startswith("/api/") or path == "/healthz":
        return False
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return False
    return path.startswith(("/console", "/s/")) and request.accept_mimetypes.accept_html


def register_error_handlers(app: Flask) -> None:
    from flask import render_template

    def render(error: MallkitError) -> Response:
        if wants_html():
            html = render_template("error.html", error=error)
            return Response(html, status=error.status, mimetype="text/html")
        return problem_response(error)

    @app.errorhandler(MallkitError)
    def _domain(error: MallkitError) -> Response:
        return render(error)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc: RequestEntityTooLarge) -> Response:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        error = MallkitError(f"request body larger than {limit} bytes", code="payload_too_large")
        error.status, error.title = 413, "Payload too large"
        return render(error)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if wants_html():
            error = MallkitError(exc.description, code=f"http_{exc.code}")
            error.status, error.title = exc.code or 500, exc.name
            return render(error)
        return http_problem(exc)

    @app.errorhandler(redis.ConnectionError)
    @app.errorhandler(redis.TimeoutError)
    def _redis_down(exc: redis.RedisError) -> Response:
        log.warning("Redis not answering on %s %s: %s", request.method, request.path, exc)
        error = ServiceUnavailable("a backing service is not answering; try again shortly",
                                   code="redis_unavailable")
        response = render(error)
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(OverflowError)
    @app.errorhandler(sqlalchemy.exc.DataError)
    def _out_of_range(exc: Exception) -> Response:
        log.info("value out of range on %s %s: %s", request.method, request.path, exc)
        return render(ValidationFailed.single("", "a value is out of range (numbers and ids "
                                                  f"are at most {2**63 - 1})", "out_of_range"))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        error = MallkitError("an internal error occurred; it has been logged",
                             code="internal_error")
        error.status, error.title = 500, "Internal server error"
        return render(error)
