"""Catalog reads cached in Redis under the shop's catalog data version.

Every write to products, SKUs, stock, categories or groups bumps that version once it commits
(:func:`runtime.modules.catalog.effects.on_catalog_changed`), so an entry is served only while
nothing it was read from has changed: what it shows stays exact, and a repeat view reads
nothing. The version is read before the database is, and the cache is used only where each
statement sees every earlier commit (:func:`runtime.db.reads_latest_commits`) and never by a
transaction that changed the catalog itself (its change is in no version yet): an entry can
never be older than the version it is stored under.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from sqlalchemy.orm import Session

from runtime.db import current_shop_id, reads_latest_commits
from runtime.jobs import session_redis
from runtime.modules.catalog.effects import DATA_TOPIC, changed_in_transaction
from runtime.pages.cache import data_version_with
from runtime.stamped import kept_or_read

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Bounds the life of an entry whose version bump was lost (Redis away after a commit).
ENTRY_TTL_SECONDS = 600


def entry_key(shop_id: int, name: str) -> str:
    return f"mallkit:{shop_id}:catalog:cached:{name}"


def read_through(session: Session, name: str, read: Callable[[Session], T], *,
                 dump: Callable[[T], Any], load: Callable[[Any], T]) -> T:
    """``read(session)`` for the session's shop, kept as ``name`` while the catalog is
    unchanged; ``dump`` makes the value JSON, ``load`` makes it again."""
    shop_id = current_shop_id(session)
    if shop_id is None or (conn := _cache_of(session, shop_id)) is None:
        return read(session)
    key = entry_key(shop_id, name)
    try:
        version, entry = data_version_with(conn, shop_id, DATA_TOPIC, key)
    except redis.RedisError:
        log.warning("catalog cache: Redis unavailable; reading %s", name, exc_info=True)
        return read(session)
    return kept_or_read(conn, key, version, entry, lambda: read(session), dump=dump,
                        load=load, ttl=ENTRY_TTL_SECONDS)


def _cache_of(session: Session, shop_id: int) -> redis.Redis | None:
    """The Redis to keep entries in, or None when an entry could be wrong here."""
    if changed_in_transaction(session, shop_id) or not reads_latest_commits(session):
        return None
    return session_redis(session)
