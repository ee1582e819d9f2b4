"""Member API tokens: random, shown once, stored as sha256, expiring and revocable."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.members.models import Member, MemberStatus, MemberToken

TOKEN_PREFIX = "mk_"
TOUCH_INTERVAL = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    record: MemberToken


def issue_token(session: Session, member: Member, *, client: str,
                ttl_days: int) -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(days=ttl_days)
    record = MemberToken(member_id=member.id, token_hash=hash_token(token), client=client,
                         expires_at=expires_at)
    session.add(record)
    session.flush()
    return IssuedToken(token, expires_at, record)


def authenticate(session: Session, token: str | None) -> tuple[Member, MemberToken] | None:
    """The active member behind a live token of the current shop, or None."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    record = session.scalar(select(MemberToken).where(
        MemberToken.token_hash == hash_token(token)))
    now = utcnow()
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return None
    member = session.get(Member, record.member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        return None
    if record.last_used_at is None or now - record.last_used_at >= TOUCH_INTERVAL:
        record.last_used_at = now
    return member, record


def revoke(session: Session, record: MemberToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()


def revoke_all(session: Session, member_id: int) -> int:
    """Log a member out everywhere (blocked, or asked to)."""
    result = session.execute(
        update(MemberToken)
        .where(MemberToken.member_id == member_id, MemberToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()))
    return result.rowcount
