"""Member API tokens: random, shown once, stored as sha256, expiring and revocable.

A looked-up token of an active member is cached in Redis for ``CACHE_SECONDS`` (its member,
expiry and last use), so a request with a known token costs no query at all. Revoking (logout,
or blocking the member, which revokes every token) writes a tombstone after commit that a
concurrent look-up cannot overwrite (``SET_UNLESS_REVOKED``), so a revoked token stops working
at once in every process.

A Redis script may check a grant itself, to spare a request the cache's own round trip
(:func:`grant_check`; seckill's gate does): it trusts only a cached grant of the member it was
told, unexpired and not due a touch, and anything else sends the caller to :func:`look_up`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeGuard

import redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.extension import state
from runtime.jobs import on_commit
from runtime.modules.members.models import Member, MemberStatus, MemberToken
from runtime.redis_scripts import SET_UNLESS_REVOKED

TOKEN_PREFIX = "mk_"
TOUCH_INTERVAL = timedelta(minutes=5)
CACHE_SECONDS = 60
REVOKED = "revoked"

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class TokenGrant:
    """What a live token says: whose it is, until when, and when it was last used."""

    token_id: int
    member_id: int
    expires_at: datetime
    last_used_at: datetime | None
    touched: bool = False  # this look-up recorded the use: commit it

    def as_json(self) -> str:
        return json.dumps([self.token_id, self.member_id, self.expires_at.timestamp(),
                           self.last_used_at.timestamp() if self.last_used_at else None])

    @classmethod
    def from_json(cls, raw: str) -> TokenGrant:
        token_id, member_id, expires, used = json.loads(raw)
        return cls(token_id, member_id, datetime.fromtimestamp(expires, UTC),
                   datetime.fromtimestamp(used, UTC) if used is not None else None)


def _cache_key(shop_id: int | None, token_hash: str) -> str:
    """In the shop's Redis Cluster slot (hash tag ``{shop_id}``), beside its other keys, so a
    script of the shop can read it."""
    return f"mallkit:{{{shop_id}}}:member-token:{token_hash}"


def _plausible(token: str | None) -> TypeGuard[str]:
    return token is not None and token.startswith(TOKEN_PREFIX) and len(token) <= 100


@dataclass(frozen=True)
class GrantCheck:
    """What a Redis script needs to trust a member token by its cached grant: the grant's key
    (its value is :meth:`TokenGrant.as_json` or the tombstone ``REVOKED``) and the moment
    (epoch seconds) its last use must be after — an older one is due a touch."""

    key: str
    used_after: float


def grant_check(shop_id: int, token: str | None, now: datetime) -> GrantCheck | None:
    """The check of ``token``'s cached grant in the shop at ``now``; None when ``token``
    cannot be a member token."""
    if not _plausible(token):
        return None
    return GrantCheck(_cache_key(shop_id, hash_token(token)),
                      (now - TOUCH_INTERVAL).timestamp())


def _cached(connection: redis.Redis | None, key: str) -> TokenGrant | str | None:
    """The cached grant, ``REVOKED``, or None when not cached (or Redis is unavailable)."""
    if connection is None:
        return None
    try:
        raw = connection.get(key)
    except redis.RedisError:
        log.warning("token cache unavailable; reading the token from the database")
        return None
    if raw is None:
        return None
    raw = raw.decode() if isinstance(raw, bytes) else raw
    return REVOKED if raw == REVOKED else TokenGrant.from_json(raw)


def _remember(connection: redis.Redis | None, key: str, grant: TokenGrant) -> None:
    if connection is None:
        return
    try:
        SET_UNLESS_REVOKED(connection, [key], [grant.as_json(), REVOKED, CACHE_SECONDS])
    except redis.RedisError:
        log.warning("token cache unavailable; the grant is not cached")


def _redis() -> redis.Redis | None:
    try:
        return state().redis
    except RuntimeError:  # no app: a command or script, nothing to cache in
        return None


def look_up(session: Session, token: str | None) -> TokenGrant | None:
    """The grant of a live token of an active member of the current shop, or None (blocking
    a member revokes their tokens, which tombstones them here). A grant due for a touch
    (``last_used_at`` older than ``TOUCH_INTERVAL``) is touched in the session's transaction
    and says so (``touched``), for the caller to commit."""
    if not _plausible(token):
        return None
    token_hash = hash_token(token)
    connection = _redis()
    key = _cache_key(current_shop_id(session), token_hash)
    found = _cached(connection, key)
    if found == REVOKED:
        return None
    grant = found if isinstance(found, TokenGrant) else None
    if grant is None:
        row = session.execute(
            select(MemberToken, Member.status).join(Member, Member.id == MemberToken.member_id)
            .where(MemberToken.token_hash == token_hash)).first()
        if row is None or row[0].revoked_at is not None or row[1] != MemberStatus.ACTIVE:
            return None
        record = row[0]
        grant = TokenGrant(record.id, record.member_id, record.expires_at, record.last_used_at)
        _remember(connection, key, grant)
    now = utcnow()
    if grant.expires_at <= now:
        return None
    if grant.last_used_at is None or now - grant.last_used_at >= TOUCH_INTERVAL:
        session.execute(update(MemberToken).where(MemberToken.id == grant.token_id)
                        .values(last_used_at=now).execution_options(synchronize_session=False))
        grant = TokenGrant(grant.token_id, grant.member_id, grant.expires_at, now, touched=True)
        on_commit(session, functools.partial(_remember, connection, key, grant))
    return grant


def _forget_after_commit(session: Session, token_hashes: list[str]) -> None:
    """Tombstone the tokens' cache entries once the revocation is committed."""
    connection = _redis()
    if connection is None or not token_hashes:
        return
    keys = [_cache_key(current_shop_id(session), h) for h in token_hashes]

    def forget() -> None:
        pipe = connection.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, REVOKED, ex=CACHE_SECONDS * 2)
        pipe.execute()

    on_commit(session, forget)


def revoke(session: Session, record: MemberToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()
        _forget_after_commit(session, [record.token_hash])


def revoke_all(session: Session, member_id: int) -> int:
    """Log a member out everywhere (blocked, or asked to)."""
    revoked = list(session.scalars(
        update(MemberToken)
        .where(MemberToken.member_id == member_id, MemberToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()).returning(MemberToken.token_hash)
        .execution_options(synchronize_session=False)))
    _forget_after_commit(session, revoked)
    return len(revoked)
