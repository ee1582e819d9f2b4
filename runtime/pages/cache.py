"""The published-output cache in Redis, and the per-shop versions that invalidate it.

Keys (all per shop):

``mallkit:{shop_id}:pages:versions``  hash: ``epoch`` (random, set once), ``config`` (bumped by
    publish, rollback, theme and module changes), ``data:<topic>`` (bumped by data-owning
    modules through :func:`bump_data_version`). Its fields, sorted, form the *stamp*.
``mallkit:{shop_id}:pages:out:{slug}:{variant}:{format}``  string: ``stamp \\n etag \\n body``.

An entry is served only while its stamp equals the current one, so any bump makes every
entry of the shop miss. Bumps happen after commit; the entry TTL bounds staleness if a bump
is ever lost.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime.jobs import on_commit

log = logging.getLogger(__name__)

ENTRY_TTL_SECONDS = 3600
TOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def versions_key(shop_id: int) -> str:
    return f"mallkit:{shop_id}:pages:versions"


def entry_key(shop_id: int, slug: str, variant: str, fmt: str) -> str:
    return f"mallkit:{shop_id}:pages:out:{slug}:{variant}:{fmt}"


# KEYS[1] versions hash, KEYS[2] entry key.
# Returns {1, entry} when the entry's stamp is current, else {0, current stamp or ""}.
LOOKUP_SCRIPT = """
local flat = redis.call('HGETALL', KEYS[1])
if #flat == 0 then return {0, ''} end
local names = {}
local values = {}
for i = 1, #flat, 2 do names[#names + 1] = flat[i]; values[flat[i]] = flat[i + 1] end
table.sort(names)
local parts = {}
for _, name in ipairs(names) do parts[#parts + 1] = name .. '=' .. values[name] end
local stamp = table.concat(parts, ';')
local entry = redis.call('GET', KEYS[2])
if entry and string.sub(entry, 1, #stamp + 1) == stamp .. '\\n' then return {1, entry} end
return {0, stamp}
"""


def stamp_of(fields: dict[bytes | str, bytes | str]) -> str:
    """The stamp of a versions hash, exactly as ``LOOKUP_SCRIPT`` computes it."""
    pairs = sorted((_text(k), _text(v)) for k, v in fields.items())
    return ";".join(f"{k}={v}" for k, v in pairs)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def current_stamp(conn: redis.Redis, shop_id: int) -> str:
    """The shop's stamp, giving the versions hash its random epoch on first use."""
    key = versions_key(shop_id)
    conn.hsetnx(key, "epoch", secrets.token_hex(8))
    return stamp_of(conn.hgetall(key))


def bump_config_version(conn: redis.Redis, shop_id: int) -> None:
    """Published pages, theme or modules changed: every cached output of the shop misses."""
    key = versions_key(shop_id)
    pipe = conn.pipeline(transaction=False)
    pipe.hsetnx(key, "epoch", secrets.token_hex(8))
    pipe.hincrby(key, "config", 1)
    pipe.execute()


def bump_data_version(conn: redis.Redis, shop_id: int, topic: str) -> None:
    """Data shown on pages changed (``topic``: the owning module, e.g. ``"catalog"``).

    Call it after the change is committed (see :func:`bump_data_version_after_commit`).
    """
    if not topic or not set(topic) <= TOPIC_CHARS:
        raise ValueError(f"bad data topic {topic!r}: use lowercase letters, digits, '_' or '-'")
    key = versions_key(shop_id)
    pipe = conn.pipeline(transaction=False)
    pipe.hsetnx(key, "epoch", secrets.token_hex(8))
    pipe.hincrby(key, f"data:{topic}", 1)
    pipe.execute()


def _connection_for(session: Session) -> redis.Redis | None:
    conn = session.info.get("redis")
    if conn is not None:
        return conn
    from flask import has_app_context

    if has_app_context():
        from runtime.extension import state

        return state().redis
    return None


def _run_bump(conn: redis.Redis | None, func: Any, *args: Any) -> None:
    try:
        if conn is None:
            log.warning("no Redis to invalidate page caches (%s%r)", func.__name__, args)
            return
        func(conn, *args)
    except redis.RedisError:
        log.exception("page cache invalidation failed (%s%r); entries expire in %ss",
                      func.__name__, args, ENTRY_TTL_SECONDS)


def bump_config_after_commit(session: Session, shop_id: int) -> None:
    on_commit(session, functools.partial(_run_bump, _connection_for(session),
                                         bump_config_version, shop_id))


def bump_data_version_after_commit(session: Session, shop_id: int, topic: str) -> None:
    on_commit(session, functools.partial(_run_bump, _connection_for(session),
                                         bump_data_version, shop_id, topic))


@dataclass(frozen=True)
class Entry:
    etag: str
    body: bytes


@dataclass(frozen=True)
class Lookup:
    entry: Entry | None
    stamp: str


class OutputCache:
    """Reads and writes cached page outputs with one round trip per read."""

    def __init__(self, conn: redis.Redis) -> None:
        self.conn = conn
        self._script = conn.register_script(LOOKUP_SCRIPT)

    def lookup(self, shop_id: int, slug: str, variant: str, fmt: str) -> Lookup:
        hit, value = self._script(keys=[versions_key(shop_id),
                                        entry_key(shop_id, slug, variant, fmt)])
        if hit:
            _stamp, etag, body = value.split(b"\n", 2)
            return Lookup(Entry(etag.decode(), body), _stamp.decode())
        stamp = _text(value) or current_stamp(self.conn, shop_id)
        return Lookup(None, stamp)

    def store(self, shop_id: int, slug: str, variant: str, fmt: str, stamp: str,
              body: bytes) -> Entry:
        etag = etag_for(body)
        self.conn.set(entry_key(shop_id, slug, variant, fmt),
                      stamp.encode() + b"\n" + etag.encode() + b"\n" + body,
                      ex=ENTRY_TTL_SECONDS)
        return Entry(etag, body)


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
