"""The console's shop switcher: the active shops a user belongs to, with their role, cached
in Redis per user.

Every console page shows the list, and reading it means reading memberships across shops (on
PostgreSQL a platform read: the context switched there and back around one query), while it
changes rarely. An entry is kept under two random tokens: the user's, replaced when one of
their memberships is added, changed or removed, and the platform's shops token, replaced when
any shop is renamed, moved to another slug, changes status or is deleted. The flush listener
below replaces them once the change commits; the tokens are read before the memberships, and
the cache is used only where each statement sees every earlier commit
(:func:`runtime.db.reads_latest_commits`), so an entry is never older than its tokens. A token
that is gone (expired, evicted) is created afresh, so no old entry matches it.
"""

from __future__ import annotations

import functools
import logging
import secrets
from dataclasses import astuple, dataclass
from typing import Any

import redis
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from runtime.accounts.models import Membership, User
from runtime.accounts.service import user_shops
from runtime.db import reads_latest_commits
from runtime.jobs import on_commit, session_redis
from runtime.shops.models import Shop
from runtime.stamped import kept_or_read

log = logging.getLogger(__name__)

SHOPS_TOKEN = "mallkit:console:switcher:shops-token"
#: An entry lives this long at most (bounds one whose token replacement was lost).
ENTRY_TTL_SECONDS = 600
#: A token not replaced for this long is dropped; the next read creates a new one.
TOKEN_TTL_SECONDS = 86400
#: The shop fields the switcher shows or filters on.
SHOWN_SHOP_FIELDS = ("name", "slug", "status")


@dataclass(frozen=True)
class ShopLink:
    id: int
    slug: str
    name: str
    role: str


def user_token_key(user_id: int) -> str:
    return f"mallkit:console:switcher:user-token:{user_id}"


def entry_key(user_id: int) -> str:
    return f"mallkit:console:switcher:shops:{user_id}"


def shop_links(session: Session, user: User) -> list[ShopLink]:
    """The user's active shops by name, for the switcher: cached while neither their
    memberships nor any shop's shown fields have changed."""
    conn = session_redis(session) if reads_latest_commits(session) else None
    if conn is None:
        return _read_links(session, user)
    try:
        tokens, entry = _tokens_and_entry(conn, user.id)
    except redis.RedisError:
        log.warning("shop switcher: Redis unavailable; reading the shops", exc_info=True)
        return _read_links(session, user)
    return kept_or_read(conn, entry_key(user.id), tokens, entry,
                        lambda: _read_links(session, user),
                        dump=lambda links: [astuple(link) for link in links],
                        load=lambda rows: [ShopLink(*row) for row in rows],
                        ttl=ENTRY_TTL_SECONDS)


def _read_links(session: Session, user: User) -> list[ShopLink]:
    return [ShopLink(a.shop.id, a.shop.slug, a.shop.name, a.role)
            for a in user_shops(session, user)]


def _tokens_and_entry(conn: redis.Redis, user_id: int) -> tuple[str, bytes | None]:
    """``"<shops token>:<user token>"`` (a missing token created) and the user's entry, in
    one round trip."""
    user_token = user_token_key(user_id)
    pipe = conn.pipeline(transaction=False)
    for key in (SHOPS_TOKEN, user_token):
        pipe.set(key, secrets.token_hex(8), nx=True, ex=TOKEN_TTL_SECONDS)
    pipe.mget(SHOPS_TOKEN, user_token, entry_key(user_id))
    *_created, (shops, user, entry) = pipe.execute()
    return f"{shops.decode()}:{user.decode()}", entry


def replace_tokens(conn: redis.Redis, user_ids: frozenset[int], shops: bool) -> None:
    """Outdate the cached switchers of ``user_ids`` (and of everyone, with ``shops``)."""
    pipe = conn.pipeline(transaction=False)
    for user_id in user_ids:
        pipe.set(user_token_key(user_id), secrets.token_hex(8), ex=TOKEN_TTL_SECONDS)
    if shops:
        pipe.set(SHOPS_TOKEN, secrets.token_hex(8), ex=TOKEN_TTL_SECONDS)
    try:
        pipe.execute()
    except redis.RedisError:
        log.exception("shop switcher: could not outdate cached shop lists; they expire in %ss",
                      ENTRY_TTL_SECONDS)


@event.listens_for(Session, "after_flush")
def _outdate_after_commit(session: Session, _flush_context: Any) -> None:
    """Memberships or shown shop fields flushed: replace the tokens once the transaction
    commits (the lists are unchanged until then)."""
    user_ids = frozenset(obj.user_id for obj in (*session.new, *session.dirty, *session.deleted)
                         if isinstance(obj, Membership) and obj.user_id is not None)
    shops = (any(isinstance(obj, Shop) for obj in session.deleted)
             or any(isinstance(obj, Shop) and _shown_fields_changed(obj) for obj in session.dirty))
    if not user_ids and not shops:
        return
    conn = session_redis(session)
    if conn is None:
        log.warning("memberships or shops changed outside an app context; cached shop "
                    "switchers expire in %ss", ENTRY_TTL_SECONDS)
        return
    on_commit(session, functools.partial(replace_tokens, conn, user_ids, shops))


def _shown_fields_changed(shop: Shop) -> bool:
    attrs = inspect(shop).attrs
    return any(attrs[name].history.has_changes() for name in SHOWN_SHOP_FIELDS)
