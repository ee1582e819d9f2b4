"""Member authentication for the JSON API: ``Authorization: Bearer <token>``.

``member_required`` guards a view (401 without a live token); ``member_optional`` lets a
guest through but still rejects a bad token; ``current_member()`` is the member of the
request. The token is checked once per request, in the shop the URL names.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from runtime import logs
from runtime.api.openapi import ApiComponents
from runtime.errors import Unauthorized
from runtime.modules.members.errors import MemberErrorCode
from runtime.modules.members.models import Member, MemberToken
from runtime.modules.members.tokens import authenticate
from runtime.tenancy import db

F = TypeVar("F", bound=Callable[..., Any])
BEARER = {"bearerAuth": []}

OPENAPI = ApiComponents()
OPENAPI.component("securitySchemes", "bearerAuth", {
    "type": "http", "scheme": "bearer",
    "description": "A member token from POST /api/v1/shops/{shop_slug}/auth/wechat (or the H5 "
                   "phone login), sent as Authorization: Bearer <token>"})


def _resolve() -> tuple[Member, MemberToken] | None:
    if "member_auth" not in g:
        header = request.headers.get("Authorization", "")
        found = None
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("use Authorization: Bearer <token>",
                                   code=MemberErrorCode.TOKEN_INVALID.value)
            found = authenticate(db(), token.strip())
            if found is None:
                raise Unauthorized("the token is invalid, expired or revoked",
                                   code=MemberErrorCode.TOKEN_INVALID.value)
            db().commit()  # keeps last_used_at; later writes run in a fresh transaction
            logs.bind(member_id=found[0].id)
        g.member_auth = found
    return g.member_auth


def optional_member() -> Member | None:
    """The authenticated member, or None when no token was sent."""
    found = _resolve()
    return found[0] if found else None


def current_member() -> Member:
    """The authenticated member; 401 ``login_required`` when no token was sent."""
    member = optional_member()
    if member is None:
        raise Unauthorized("log in first: Authorization: Bearer <token>",
                           code=MemberErrorCode.LOGIN_REQUIRED.value)
    return member


def current_token() -> MemberToken:
    current_member()
    return g.member_auth[1]


def member_required(view: F) -> F:
    """401 unless a live member token of this shop is sent."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_member()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER]}
    return wrapper  # type: ignore[return-value]


def member_optional(view: F) -> F:
    """A token, when sent, must be valid; without one the view runs for a guest."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _resolve()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER, {}]}
    return wrapper  # type: ignore[return-value]
