"""Recording and reading audit events (no Flask: the console passes the request's address
and id; ``runtime.audit.web`` does that for views)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.audit.models import AuditEvent
from runtime.clock import utcnow
from runtime.db import platform_access

#: How long events are kept when MALLKIT_AUDIT_RETENTION_DAYS is not set.
DEFAULT_RETENTION_DAYS = 365
PAGE_SIZE = 50


class Action(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    PLATFORM_ADMIN_ENTERED_SHOP = "platform_admin_entered_shop"
    STAFF_INVITED = "staff_invited"
    STAFF_INVITATION_REVOKED = "staff_invitation_revoked"
    STAFF_JOINED = "staff_joined"
    STAFF_REMOVED = "staff_removed"
    STAFF_ROLE_CHANGED = "staff_role_changed"
    WECHATPAY_CREDENTIALS_CHANGED = "wechatpay_credentials_changed"
    SECRETS_ROTATED = "secrets_rotated"
    EXPORT_DOWNLOADED = "export_downloaded"
    DISTRIBUTION_REFERRER_CHANGED = "distribution_referrer_changed"
    DISTRIBUTION_RULESET_ACKNOWLEDGED = "distribution_ruleset_acknowledged"
    DISTRIBUTION_RULESET_SWITCHED = "distribution_ruleset_switched"
    MERCHANT_REFUND = "merchant_refund"


@dataclass(frozen=True)
class Origin:
    """Where an action came from: the user (id and email, or a label such as ``cli``), the
    client address and the request id."""

    user_id: int | None = None
    label: str = ""
    ip: str = ""
    request_id: str = ""


def record(session: Session, action: Action, origin: Origin, *, target: str = "",
           detail: dict[str, Any] | None = None) -> AuditEvent:
    """An event in the caller's transaction (kept only if the action is): for the session's
    shop, or a platform event when the session has no shop."""
    event = AuditEvent(action=str(action), actor_user_id=origin.user_id,
                       actor=origin.label[:254], target=target[:254], detail=detail or {},
                       ip=origin.ip[:64], request_id=origin.request_id[:64])
    if session.info.get("shop_id") is None:
        with platform_access(session, f"audit: platform event {action}"):
            session.add(event)
            session.flush()
    else:
        session.add(event)
        session.flush()
    return event


def recently_recorded(session: Session, action: Action, user_id: int,
                      within: timedelta) -> bool:
    """Whether the session's shop has ``action`` by ``user_id`` newer than ``within``."""
    since = utcnow() - within
    return session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == str(action), AuditEvent.actor_user_id == user_id,
        AuditEvent.created_at >= since).limit(1)) is not None


def shop_events(session: Session, *, before_id: int | None = None,
                action: str | None = None, limit: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """The session's shop's events, newest first (keyset pages by id)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query).all()


def all_events(session: Session, *, before_id: int | None = None, action: str | None = None,
               shop_id: int | None = None, limit: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """Every shop's and the platform's events (platform admins), newest first."""
    with platform_access(session, "platform console: audit events"):
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(AuditEvent.id < before_id)
        if action:
            query = query.where(AuditEvent.action == action)
        if shop_id is not None:
            query = query.where(AuditEvent.shop_id == shop_id)
        return session.scalars(query).all()


def purge_older_than(session: Session, cutoff: datetime) -> int:
    """Delete every event (all shops) created before ``cutoff``; the number deleted."""
    with platform_access(session, "audit: retention"):
        result = session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff)
                                 .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
