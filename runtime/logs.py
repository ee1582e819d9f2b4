"""Structured logs: one JSON object per line (structlog), for mallkit's own loggers and every
standard-library logger alike (RQ, gunicorn, werkzeug).

Each request gets a request id (the caller's ``X-Request-ID`` when it is a sane token, else a
new one), bound to every line logged while it runs and sent back as the ``X-Request-ID``
response header; the request's own line carries shop, user or member, route, status and
duration. What :func:`bind` adds inside an app context (a request, a job) lives in that
context's ``g`` and ends with it: nothing to clear, and a request that logs nothing pays for
no logging context. Values under secret-looking keys (passwords, tokens, keys, AppSecret,
Authorization, cookies) and bearer tokens inside messages are replaced by ``[redacted]``.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

import structlog
from flask import Flask, Response, g, has_app_context, request, request_started

REDACTED = "[redacted]"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|^key$|_key$|authorization|"
    r"cookie|credential|signature|^sign$", re.IGNORECASE)
_SECRET_IN_TEXT = re.compile(
    r"(?i)((?:password|passwd|secret|token|api_?key|authorization)[\"']?\s*[=:]\s*[\"']?"
    r"(?:bearer\s+|basic\s+)?|bearer\s+)([^\s\"'&,;]+)")
_HANDLER_NAME = "mallkit-json"


@functools.lru_cache(maxsize=1024)
def _is_secret_key(key: str) -> bool:
    return _SECRET_KEY.search(key) is not None


def redact(value: Any, key: str = "") -> Any:
    """``value`` with every secret replaced: by key (recursively through dicts and lists)
    and, inside strings, after ``Bearer`` or ``password=``-like prefixes."""
    if value is None or isinstance(value, int | float):  # bool too
        return value if not (key and value and _is_secret_key(key)) else REDACTED
    if key and _is_secret_key(key) and value != "":
        return REDACTED
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return _SECRET_IN_TEXT.sub(lambda m: m.group(1) + REDACTED, value)
    return value


def _redact_event(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    return {k: (redact(v, k) if k != "event" else redact(v)) for k, v in event.items()}


def _merge_bound(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """Add what :func:`bind` put in this app context (the request id first); the line's own
    fields win."""
    if has_app_context():
        bound = g.get("log_context")
        if bound:
            return {**bound, **event}
    return event


_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    _merge_bound,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.PositionalArgumentsFormatter(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.format_exc_info,
    _redact_event,
]


def configure(stream: TextIO | None = None, level: int = logging.INFO) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) as JSON; safe to call again (the previous
    handler is replaced). Returns the handler. A line under the logger's level is dropped
    before any processing."""
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *_SHARED,
                    structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.name = _HANDLER_NAME
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.JSONRenderer(ensure_ascii=False)]))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)


# --- per request ----------------------------------------------------------------------------

_request_log = get_logger("mallkit.request")
_REQUEST_LOGGER = logging.getLogger("mallkit.request")


def init_app(app: Flask) -> None:
    """Request ids, per-request context and one log line per request."""

    request_started.connect(_start)  # once for all apps; before url processors bind a shop

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        if _REQUEST_LOGGER.isEnabledFor(logging.INFO):  # a line nobody writes is not built
            _request_log.info("request", **request_fields(response.status_code))
        return response


def _start(_sender: Flask, **_extra: Any) -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = request_id = incoming if _REQUEST_ID.match(incoming) \
        else os.urandom(16).hex()
    g.request_started = time.perf_counter()
    g.log_context = {"request_id": request_id}  # a test's app context may outlive requests


def request_fields(status: int) -> dict[str, Any]:
    """How the request ended and how long it took; who and which shop were bound to the log
    context (:func:`bind`) when the request looked them up."""
    return {
        "method": request.method, "path": request.path,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": status,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
    }


def bind(**fields: Any) -> None:
    """Add ``fields`` (shop, user_id, member_id ...) to every line logged for the rest of this
    request or job (its app context; outside any, this thread's structlog context)."""
    if has_app_context():
        g.setdefault("log_context", {}).update(fields)
    else:
        structlog.contextvars.bind_contextvars(**fields)
