"""CSRF protection for every request under ``/console`` but GET, HEAD and OPTIONS (HEAD runs
as a bodiless GET, ``runtime.http.HeadAsGet``, so it never writes).

The token is an HMAC of the browser's console-session token (or, before login, of a random
value in the ``mallkit_csrf`` cookie) under the app's secret, so it is tied to the session and
changes when the session is rotated at login. Forms send it as the ``csrf_token`` field, scripts
as the ``X-CSRF-Token`` header (base.html has it in ``<meta name="csrf-token">``). A missing or
wrong token is a 403 problem with code ``csrf_failed`` (an HTML page for browsers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext as _

from builder.auth import COOKIE_PATH, is_console_request, session_token
from runtime.errors import Forbidden
from runtime.extension import state

CSRF_COOKIE = "mallkit_csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    title = "CSRF check failed"


def _seed() -> str:
    """What the token is tied to: the session token a login set in this request, the session
    cookie, or the pre-login cookie (created on first use)."""
    fresh = g.get("_console_cookie")
    if fresh:
        return fresh
    token = session_token()
    if token:
        return token
    anon = g.get("_csrf_anon") or request.cookies.get(CSRF_COOKIE)
    if not anon or len(anon) > 100:
        anon = secrets.token_urlsafe(24)
        g._csrf_set_cookie = anon
    g._csrf_anon = anon
    return anon


def _token_for(seed: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"mallkit-csrf:" + seed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_token() -> str:
    """The CSRF token for this browser's current session (for forms and the meta tag)."""
    return _token_for(_seed())


def _submitted() -> str:
    value = request.headers.get(HEADER, "")
    if not value and request.mimetype in ("application/x-www-form-urlencoded",
                                          "multipart/form-data"):
        value = request.form.get(FORM_FIELD, "")
    return value


def check_request() -> None:
    """Before every unsafe console request: the token must match this browser's session."""
    if request.method in SAFE_METHODS or not is_console_request():
        return
    submitted = _submitted()
    if not submitted:
        raise CsrfFailed(_("This form is missing its security token. Reload the page and try "
                           "again."))
    token = session_token() or request.cookies.get(CSRF_COOKIE)
    if not token or not hmac.compare_digest(submitted.encode(), _token_for(token).encode()):
        raise CsrfFailed(_("This page has expired or was opened in another session. Reload "
                           "the page and try again."))


def _set_anon_cookie(response: Response) -> Response:
    value = g.get("_csrf_set_cookie")
    if value and not g.get("_console_cookie"):
        response.set_cookie(CSRF_COOKIE, value, path=COOKIE_PATH, httponly=True,
                            samesite="Lax", secure=state().settings.secure_cookies)
    return response


def init_app(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(_set_anon_cookie)
