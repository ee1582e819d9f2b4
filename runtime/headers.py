"""Security headers on every response.

Everything: ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``; over https
(``request.is_secure``, which ``ProxyFix`` makes right behind a proxy) also HSTS. HTML pages
may be framed only by this site (``frame-ancestors 'self'`` + ``X-Frame-Options``). The console
(``/console``) gets a full Content-Security-Policy: scripts only from this site or carrying the
request's nonce (``csp_nonce()`` in templates), no plugins, no foreign frames, forms and
``<base>`` to this site; a view that compiles code at run time (the page editor's Ajv) asks for
``'unsafe-eval'`` with :func:`allow_eval`. Storefront HTML (``/s/...``, and the console's page
previews, :func:`storefront_page`) gets a nonce policy too: scripts from this site or with the
nonce (no inline handlers), styles inline allowed, images and media from anywhere. Published
pages are cached, so block and theme templates write the page's *nonce slot* (``{{ csp_nonce
}}`` in their context, :func:`nonce_slot`: derived from the secret key, never sent as is) and
every HTML or JSON response has it replaced by the request's nonce on the way out; a 304 sends
no policy, so a page the browser kept stays with the policy it came with. Theme previews of
agencies' HTML also run sandboxed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from flask import Flask, Response, current_app, g, has_app_context, request

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


SANDBOX_POLICY = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"


def nonce_slot() -> str:
    """What cached storefront HTML carries where the nonce goes; each response gets its own
    nonce in its place. Derived from the secret key, so it is the same in every process and
    cannot be guessed by whoever writes a page's content. Empty outside an app (offline
    theme previews, which no policy serves)."""
    if not has_app_context():
        return ""
    return _slot_for(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _slot_for(secret_key: str) -> str:
    digest = hmac.new(secret_key.encode(), b"mallkit csp nonce slot", hashlib.sha256)
    return "mkn" + digest.hexdigest()[:29]


class FilledResponse(Response):
    """A response whose body already has this request's nonce in place of the slot, or is
    known to hold no slot (a cached page that noted it when stored): the after-request hook
    does not search its body again."""


def fill_nonce_slot(body: bytes) -> bytes:
    """``body`` with this request's nonce where rendered HTML left the slot (``body`` itself
    when it holds none)."""
    slot = nonce_slot().encode()
    return body.replace(slot, csp_nonce().encode()) if slot and slot in body else body


def storefront_page(*, foreign: bool = False) -> None:
    """This console response is a storefront page (a preview): the storefront's rules apply.
    ``foreign`` HTML (an agency's theme) also runs sandboxed, in an origin of its own, so its
    scripts cannot act with the merchant's console session."""
    g._csp_policy = SANDBOX_POLICY if foreign else "storefront"


def storefront_policy() -> str:
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob: https: http:; media-src 'self' blob: https: http:; "
            "font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def console_policy() -> str:
    scripts = f"'self' 'nonce-{csp_nonce()}'" + (" 'unsafe-eval'" if g.get("_csp_eval") else "")
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob: https: http:; media-src 'self' blob: https: http:; "
            "font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def _fill_nonce_slot(response: Response) -> None:
    """Put this request's nonce where rendered storefront HTML left the slot."""
    if isinstance(response, FilledResponse) or response.is_streamed \
            or response.mimetype not in ("text/html", "application/json"):
        return
    body = response.get_data()
    filled = fill_nonce_slot(body)
    if filled is not body:
        response.set_data(filled)


def _policy() -> str:
    chosen = g.get("_csp_policy")
    if chosen == "storefront":
        return storefront_policy()
    if chosen:
        return str(chosen)
    if request.path.startswith(CONSOLE_PREFIX):
        return console_policy()
    return storefront_policy()


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if response.status_code == 304:
        return response
    _fill_nonce_slot(response)
    if response.mimetype == "text/html":
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        headers.setdefault("Content-Security-Policy", _policy())
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
