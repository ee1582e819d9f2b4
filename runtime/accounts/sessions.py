"""Server-side console sessions: the cookie holds a random token, the table its sha256.

A session ends at the first of: its absolute expiry, ``IDLE_TIMEOUT`` without a request, or
revocation (logout, password change, removal from a shop, a new login from that browser).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.accounts.models import ConsoleSession, User
from runtime.clock import utcnow

IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_LIFETIME = timedelta(days=7)
#: ``last_seen_at`` is written at most this often, so a page view is not always a write.
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ActiveSession:
    record: ConsoleSession
    user: User


def start_session(session: Session, user: User, *, ip: str = "",
                  user_agent: str = "") -> tuple[str, ConsoleSession]:
    """A new session for ``user``; returns the raw token (for the cookie only) and the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = ConsoleSession(user_id=user.id, token_hash=hash_token(token), ip=ip[:64],
                            user_agent=user_agent[:255], last_seen_at=now,
                            expires_at=now + ABSOLUTE_LIFETIME, revoked_reason="")
    session.add(record)
    session.flush()
    return token, record


def resolve_session(session: Session, token: str | None) -> ActiveSession | None:
    """The live session and active user behind ``token`` (one query). ``last_seen_at`` is
    touched (left for the caller to commit) at most once per ``TOUCH_INTERVAL``; an idle
    session is revoked (flushed)."""
    if not token or len(token) > 200:
        return None
    found = session.execute(
        select(ConsoleSession, User).join(User, User.id == ConsoleSession.user_id)
        .where(ConsoleSession.token_hash == hash_token(token))).first()
    if found is None:
        return None
    record, user = found
    if record.revoked_at is not None:
        return None
    now = utcnow()
    if now >= record.expires_at:
        return None
    if now - record.last_seen_at >= IDLE_TIMEOUT:
        revoke(session, record, "idle")
        return None
    if not user.is_active:
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
    return ActiveSession(record, user)


def revoke(session: Session, record: ConsoleSession, reason: str) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        record.revoked_reason = reason[:40]
        session.flush()


def revoke_token(session: Session, token: str | None, reason: str) -> None:
    """Revoke the session behind a raw token, if there is one (e.g. at a new login)."""
    if not token or len(token) > 200:
        return
    record = session.scalar(select(ConsoleSession).where(
        ConsoleSession.token_hash == hash_token(token)))
    if record is not None:
        revoke(session, record, reason)


def revoke_user_sessions(session: Session, user_id: int, reason: str,
                         *, keep_id: int | None = None) -> int:
    """End every live session of a user (but ``keep_id``); returns how many were ended."""
    stmt = (update(ConsoleSession)
            .where(ConsoleSession.user_id == user_id, ConsoleSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason[:40])
            .execution_options(synchronize_session=False))
    if keep_id is not None:
        stmt = stmt.where(ConsoleSession.id != keep_id)
    result = session.execute(stmt)
    return int(result.rowcount or 0)


def live_sessions(session: Session, user_id: int) -> list[ConsoleSession]:
    now = utcnow()
    return list(session.scalars(select(ConsoleSession).where(
        ConsoleSession.user_id == user_id, ConsoleSession.revoked_at.is_(None),
        ConsoleSession.expires_at > now, ConsoleSession.last_seen_at > now - IDLE_TIMEOUT,
    ).order_by(ConsoleSession.last_seen_at.desc())))
