"""Member authentication for the JSON API: ``Authorization: Bearer <token>`` (the
mini-program) or, on H5, the same token in the HttpOnly cookie ``mallkit_member`` (set by the
phone login when asked for a cookie session, scoped to the shop's API path), so page scripts
never hold it. A write authenticated by the cookie must come from this site: its ``Origin``
(or, without one, its ``Referer``) must be the request's own origin, else 403 ``csrf_failed``.

``member_required`` guards a view (401 without a live token); ``member_optional`` lets a
guest through but still rejects a bad token; ``current_member()`` is the member of the
request, ``current_member_id()`` its id without reading the member row. The token is checked
once per request, in the shop the URL names, through the token cache (``tokens.look_up``):
blocking a member revokes their tokens, so a live grant is an active member's. A view whose
Redis script checks the cached grant itself takes the member through :class:`ScriptCaller`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, g, request

from runtime import logs
from runtime.api.openapi import ApiComponents
from runtime.errors import Forbidden, Unauthorized
from runtime.modules.members.errors import MemberErrorCode
from runtime.modules.members.models import Member, MemberStatus, MemberToken
from runtime.modules.members.tokens import TokenGrant, look_up
from runtime.tenancy import db

F = TypeVar("F", bound=Callable[..., Any])
BEARER = {"bearerAuth": []}
MEMBER_COOKIE = "mallkit_member"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

OPENAPI = ApiComponents()
OPENAPI.component("securitySchemes", "bearerAuth", {
    "type": "http", "scheme": "bearer",
    "description": "A member token from POST /api/v1/shops/{shop_slug}/auth/wechat (or the H5 "
                   "phone login), sent as Authorization: Bearer <token>. H5 pages use the "
                   "HttpOnly cookie mallkit_member instead (phone login with "
                   "\"session\": \"cookie\"); writes with it need a same-origin Origin"})


def _same_origin() -> bool:
    """Whether the request says it comes from a page of this site (Origin, else Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    own = urlsplit(request.host_url)
    return bool(parts.scheme) and (parts.scheme, parts.netloc) == (own.scheme, own.netloc)


def _credential() -> tuple[str, bool] | None:
    """The token sent and whether it came in the cookie; None for a guest."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use Authorization: Bearer <token>",
                               code=MemberErrorCode.TOKEN_INVALID.value)
        return token.strip(), False
    cookie = request.cookies.get(MEMBER_COOKIE, "")
    return (cookie, True) if cookie else None


def set_member_cookie(response: Response, token: str, max_age: int, shop_slug: str) -> None:
    """Put an H5 login's token in the HttpOnly cookie of the shop's API path."""
    response.set_cookie(MEMBER_COOKIE, token, max_age=max_age, path=cookie_path(shop_slug),
                        httponly=True, samesite="Lax", secure=request.is_secure)


def clear_member_cookie(response: Response, shop_slug: str) -> None:
    response.delete_cookie(MEMBER_COOKIE, path=cookie_path(shop_slug), httponly=True,
                           samesite="Lax", secure=request.is_secure)


def cookie_path(shop_slug: str) -> str:
    return f"/api/v1/shops/{shop_slug}/"


def _invalid() -> Unauthorized:
    return Unauthorized("the token is invalid, expired or revoked",
                        code=MemberErrorCode.TOKEN_INVALID.value)


def _checked_credential() -> tuple[str, bool] | None:
    """:func:`_credential`, refusing a write with the cookie from another site (403)."""
    credential = _credential()
    if credential is not None and credential[1] and request.method not in SAFE_METHODS \
            and not _same_origin():
        raise Forbidden("a write with the login cookie must come from this site's pages "
                        "(Origin)", code="csrf_failed")
    return credential


def _login_required() -> Unauthorized:
    return Unauthorized("log in first: Authorization: Bearer <token>",
                        code=MemberErrorCode.LOGIN_REQUIRED.value)


def _grant() -> TokenGrant | None:
    if "member_grant" not in g:
        credential = _checked_credential()
        grant = None
        if credential is not None:
            token, from_cookie = credential
            grant = look_up(db(), token)
            if grant is None and not from_cookie:  # a stale cookie browses as a guest
                raise _invalid()
            if grant is not None:
                if grant.touched:  # once per TOUCH_INTERVAL: kept even if the view only reads
                    db().commit()
                logs.bind(member_id=grant.member_id)
        g.member_grant = grant
    return g.member_grant


def optional_member() -> Member | None:
    """The authenticated member, or None when no token was sent."""
    grant = _grant()
    if grant is None:
        return None
    if "member" not in g:
        member = db().get(Member, grant.member_id)
        if member is None or member.status != MemberStatus.ACTIVE:
            raise _invalid()
        g.member = member
    return g.member


def current_member_id() -> int:
    """The authenticated member's id without reading the member row (a blocked member's
    tokens are revoked, so a live grant is an active member's)."""
    grant = _grant()
    if grant is None:
        raise _login_required()
    return grant.member_id


def current_member() -> Member:
    """The authenticated member; 401 ``login_required`` when no token was sent."""
    current_member_id()
    member = optional_member()
    assert member is not None
    return member


def current_token() -> MemberToken:
    current_member_id()
    record = db().get(MemberToken, g.member_grant.token_id)
    if record is None:
        raise _invalid()
    return record


class ScriptCaller:
    """The request's member for a view whose Redis script checks the member token's cached
    grant itself, in its own round trip (``tokens.grant_check``; seckill's gate): the token
    sent (its sender's rules checked: 401 for none or a malformed header, 403 for a cross-site
    cookie write), :func:`current_member_id` when the script cannot vouch for the member, and the
    log's member once it did."""

    def __init__(self) -> None:
        credential = _checked_credential()
        if credential is None:
            raise _login_required()
        self.token = credential[0]

    def authenticate(self) -> int:
        return current_member_id()

    def vouched(self, member_id: int) -> None:
        logs.bind(member_id=member_id)


def member_required(view: F) -> F:
    """401 unless a live member token of this shop is sent."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_member_id()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER]}
    return wrapper  # type: ignore[return-value]


def member_optional(view: F) -> F:
    """A token, when sent, must be valid; without one the view runs for a guest."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _grant()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER, {}]}
    return wrapper  # type: ignore[return-value]
