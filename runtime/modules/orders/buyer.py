"""The shopper behind an API request: ``Authorization: Bearer <token>`` checked with the
members module's token service (``members.tokens.authenticate``), resolved once per request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, request

from runtime.errors import Unauthorized
from runtime.modules.members.models import Member
from runtime.tenancy import db

F = TypeVar("F", bound=Callable[..., Any])
BEARER = {"bearerAuth": []}


def _resolve() -> Member | None:
    if "buyer" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        found = None
        if header:
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("use Authorization: Bearer <token>", code="invalid_token")
            from runtime.modules.members.tokens import authenticate

            found = authenticate(db(), token.strip())
            if found is None:
                raise Unauthorized("the token is invalid, expired or revoked",
                                   code="invalid_token")
        g.buyer = found[0] if found else None
    return g.buyer


def current_buyer() -> Member | None:
    """The authenticated member, or None for a request without a token."""
    return _resolve()


def buyer_id() -> int:
    member = _resolve()
    if member is None:
        raise Unauthorized("log in first: Authorization: Bearer <token>", code="login_required")
    return member.id


def buyer_required(view: F) -> F:
    """401 unless a live member token is sent."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        buyer_id()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER]}
    return wrapper  # type: ignore[return-value]


def buyer_optional(view: F) -> F:
    """A token, when sent, must be valid; without one the view runs for a guest."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _resolve()
        return view(*args, **kwargs)

    wrapper.__openapi__ = {**getattr(view, "__openapi__", {}),  # type: ignore[attr-defined]
                           "security": [BEARER, {}]}
    return wrapper  # type: ignore[return-value]
