"""Audit events from a request: the actor, client address and request id filled in."""

from __future__ import annotations

from typing import Any

from flask import g, request

from runtime.audit.service import Action, Origin, record
from runtime.tenancy import db


def request_origin(user: Any | None = None, label: str = "") -> Origin:
    """The origin of the current request's action (``user``: who did it, when known)."""
    return Origin(user_id=getattr(user, "id", None),
                  label=label or getattr(user, "email", "") or "",
                  ip=request.remote_addr or "", request_id=g.get("request_id", ""))


def audit(action: Action, user: Any | None = None, *, target: str = "",
          detail: dict[str, Any] | None = None) -> None:
    """Record ``action`` in the request's transaction (the view commits it)."""
    record(db(), action, request_origin(user), target=target, detail=detail)


def audit_now(action: Action, user: Any | None = None, *, label: str = "",
              target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Record ``action`` and commit it at once, whatever the request does afterwards (a
    failed login, a platform admin entering a shop, a download). The request's session is
    committed: call it where the request has nothing else pending (on SQLite a second
    connection would wait for the request's write lock)."""
    record(db(), action, request_origin(user, label), target=target, detail=detail)
    db().commit()
