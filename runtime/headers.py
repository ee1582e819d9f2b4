"""Security headers on every response.

Everything: ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``; over https
(``request.is_secure``, which ``ProxyFix`` makes right behind a proxy) also HSTS. HTML pages
may be framed only by this site (``frame-ancestors 'self'`` + ``X-Frame-Options``). The console
(``/console``) gets a full Content-Security-Policy: scripts only from this site or carrying the
request's nonce (``csp_nonce()`` in templates), no plugins, no foreign frames, forms and
``<base>`` to this site; a view that compiles code at run time (the page editor's Ajv) asks for
``'unsafe-eval'`` with :func:`allow_eval`. The storefront keeps inline scripts of blocks and
themes, so it (and the console's page previews, :func:`storefront_page`) gets the framing rules
only; theme previews of agencies' HTML also run sandboxed.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

HSTS = "max-age=31536000"
CONSOLE_PREFIX = "/console"


def csp_nonce() -> str:
    """This request's CSP nonce (one per request, made on first use)."""
    if "_csp_nonce" not in g:
        g._csp_nonce = secrets.token_urlsafe(18)
    return g._csp_nonce


def allow_eval() -> None:
    """Let this console page's scripts compile code (``new Function``), e.g. Ajv."""
    g._csp_eval = True


STOREFRONT_POLICY = "frame-ancestors 'self'"
SANDBOX_POLICY = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"


def storefront_page(*, foreign: bool = False) -> None:
    """This console response is a storefront page (a preview): the storefront's rules apply.
    ``foreign`` HTML (an agency's theme) also runs sandboxed, in an origin of its own, so its
    scripts cannot act with the merchant's console session."""
    g._csp_policy = SANDBOX_POLICY if foreign else STOREFRONT_POLICY


def console_policy() -> str:
    scripts = f"'self' 'nonce-{csp_nonce()}'" + (" 'unsafe-eval'" if g.get("_csp_eval") else "")
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob: https: http:; media-src 'self' blob: https: http:; "
            "font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if response.mimetype == "text/html":
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if g.get("_csp_policy"):
            headers.setdefault("Content-Security-Policy", g._csp_policy)
        elif request.path.startswith(CONSOLE_PREFIX):
            headers.setdefault("Content-Security-Policy", console_policy())
        else:
            headers.setdefault("Content-Security-Policy", STOREFRONT_POLICY)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
