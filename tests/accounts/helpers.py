"""Small helpers for console tests: browser-like headers and reading the CSRF token."""

from __future__ import annotations

import re

from runtime.accounts.sessions import hash_token

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def page_csrf(client, path: str = "/console/login") -> str:
    """The CSRF token a browser would read from a console page."""
    response = client.get(path, headers=HTML)
    match = META_CSRF.search(response.get_data(as_text=True))
    assert match, f"no csrf meta tag on {path} ({response.status_code})"
    return match.group(1)


def session_cookie(client):
    return client.get_cookie("mallkit_console", path="/console")


def cookie_token_hash(client) -> str | None:
    cookie = session_cookie(client)
    return hash_token(cookie.value) if cookie else None


def set_cookie_headers(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]


def fetch(app, statement, *, one: bool = False):
    """Run a SELECT in a short session of its own (platform-wide), closed before returning,
    so no test transaction holds SQLite's write lock while the client makes requests."""
    from runtime.db import platform_access

    with app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        with platform_access(s, "test assertion"):
            result = s.scalars(statement)
            rows = list(result)
        s.expunge_all()
        s.rollback()
    if one:
        assert len(rows) == 1, rows
        return rows[0]
    return rows
