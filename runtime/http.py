"""Small request helpers shared by the JSON endpoints, and the app's JSON and id parsing:
request JSON nested deeper than :data:`MAX_JSON_DEPTH` is a 400 problem (never a
``RecursionError``)."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask, Response, request, send_file
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from runtime.errors import BadRequest, MallkitError, ValidationFailed

MAX_JSON_DEPTH = 64
MAX_ID = 2**63 - 1


class UnsupportedMediaType(MallkitError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


def private_download(stream: Any, *, mimetype: str, name: str, etag: str) -> Response:
    """A file for one caller only (an invoice PDF): an attachment, never cached or sniffed,
    inert if opened inline. The caller has checked who asks."""
    response = send_file(stream, mimetype=mimetype, as_attachment=True, download_name=name,
                         etag=etag, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 4xx problem naming what is wrong with it."""
    if not request.mimetype or not (request.mimetype == "application/json"
                                    or request.mimetype.endswith("+json")):
        raise UnsupportedMediaType(
            f"expected Content-Type application/json, got {request.mimetype or 'none'}")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("request body is not valid JSON", code="malformed_json")
    if not isinstance(data, dict):
        raise ValidationFailed.single("", "request body must be a JSON object", "type")
    return data


def _nested_deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item \
            if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested deeper than :data:`MAX_JSON_DEPTH`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        too_deep = BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
                              code="json_too_deep")
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise too_deep from None
        # each level of nesting takes two characters at least
        if len(s) > 2 * MAX_JSON_DEPTH and _nested_deeper_than(data, MAX_JSON_DEPTH):
            raise too_deep
        return data


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opening a request that sent no session cookie (every
    API call with a bearer token) as a new empty session without parsing its cookies or
    building the signer."""

    def open_session(self, app: Flask, request: Any) -> SecureCookieSession | None:
        if app.secret_key and self.get_cookie_name(app) not in request.environ.get(
                "HTTP_COOKIE", ""):
            return self.session_class()
        return super().open_session(app, request)


class HeadAsGet:
    """WSGI middleware: a HEAD request runs as a GET without its body, and only the headers
    go back. Views that treat "not GET" as a submit can therefore never be driven by HEAD
    (which the CSRF check lets through as a safe method)."""

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("REQUEST_METHOD", "").upper() != "HEAD":
            return self.wsgi_app(environ, start_response)
        environ = {**environ, "REQUEST_METHOD": "GET", "CONTENT_LENGTH": "0",
                   "wsgi.input": io.BytesIO()}
        environ.pop("CONTENT_TYPE", None)
        body = self.wsgi_app(environ, start_response)
        try:
            for _chunk in body:
                pass  # run streamed views to the end, as a GET would, but send nothing
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        return []
