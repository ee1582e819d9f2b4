"""The published-output cache: Redis shared by every process, plus a small in-process mirror.

Redis keys (per shop):

``mallkit:{shop_id}:pages:versions``  hash: ``epoch`` (random, set once), ``config`` (bumped by
    publish, rollback, theme and module changes), ``data:<topic>`` (bumped by data-owning
    modules through :func:`bump_data_version`). Its fields, sorted, form the shop's *stamp*.
``mallkit:{shop_id}:pages:out:{slug}:{variant}:{format}``  string: ``stamp \\n etag \\n body``,
    served only while its stamp is the shop's current one (one Lua call checks both).
Channel ``mallkit:pages:invalidate:{db}``: every bump publishes the shop id on it.

Each process keeps the entries it has served in a mirror (:class:`OutputCache`), trusted only
while a listener thread is subscribed to the channel: a bump in this process clears the shop's
mirrored entries at once, a bump elsewhere as soon as its message arrives, and every mirrored
entry is re-checked against Redis at least every ``MIRROR_TTL_SECONDS`` anyway. So a warm
request needs no I/O at all. Bumps happen after commit; the Redis entry TTL bounds staleness if
a bump is ever lost.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime.jobs import on_commit, session_redis
from runtime.redis_scripts import PAGE_OUTPUT_LOOKUP

log = logging.getLogger(__name__)

ENTRY_TTL_SECONDS = 3600
MIRROR_TTL_SECONDS = 2.0
MIRROR_SIZE = 1024
CHANNEL = "mallkit:pages:invalidate:{db}"  # pub/sub ignores the db number
TOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


def versions_key(shop_id: int) -> str:
    return f"mallkit:{shop_id}:pages:versions"


def entry_key(shop_id: int, slug: str, variant: str, fmt: str) -> str:
    return f"mallkit:{shop_id}:pages:out:{slug}:{variant}:{fmt}"


def stamp_of(fields: dict[bytes | str, bytes | str]) -> str:
    """The stamp of a versions hash, exactly as ``PAGE_OUTPUT_LOOKUP`` computes it."""
    pairs = sorted((_text(k), _text(v)) for k, v in fields.items())
    return ";".join(f"{k}={v}" for k, v in pairs)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def channel_of(conn: redis.Redis) -> str:
    return CHANNEL.format(db=conn.connection_pool.connection_kwargs.get("db", 0))


def current_stamp(conn: redis.Redis, shop_id: int) -> str:
    """The shop's stamp, giving the versions hash its random epoch on first use."""
    key = versions_key(shop_id)
    conn.hsetnx(key, "epoch", secrets.token_hex(8))
    return stamp_of(conn.hgetall(key))


def _bump(conn: redis.Redis, shop_id: int, field: str) -> None:
    _forget_locally(shop_id)
    key = versions_key(shop_id)
    pipe = conn.pipeline(transaction=False)
    pipe.hsetnx(key, "epoch", secrets.token_hex(8))
    pipe.hincrby(key, field, 1)
    pipe.publish(channel_of(conn), str(shop_id))
    pipe.execute()
    _forget_locally(shop_id)


def bump_config_version(conn: redis.Redis, shop_id: int) -> None:
    """Published pages, theme or modules changed: every cached output of the shop misses."""
    _bump(conn, shop_id, "config")


def _data_field(topic: str) -> str:
    if not topic or not set(topic) <= TOPIC_CHARS:
        raise ValueError(f"bad data topic {topic!r}: use lowercase letters, digits, '_' or '-'")
    return f"data:{topic}"


def bump_data_version(conn: redis.Redis, shop_id: int, topic: str) -> None:
    """Data shown on pages changed (``topic``: the owning module, e.g. ``"catalog"``).

    Call it after the change is committed (see :func:`bump_data_version_after_commit`).
    """
    _bump(conn, shop_id, _data_field(topic))


def data_version_with(conn: redis.Redis, shop_id: int, topic: str,
                      key: str) -> tuple[str, bytes | None]:
    """The shop's version of ``topic`` (``epoch:count``: the epoch keeps a lost versions hash
    from ever repeating one) and the value at ``key``, in one round trip: for values cached
    under the data version they were read at."""
    versions = versions_key(shop_id)
    pipe = conn.pipeline(transaction=False)
    pipe.hsetnx(versions, "epoch", secrets.token_hex(8))
    pipe.hmget(versions, "epoch", _data_field(topic))
    pipe.get(key)
    _created, (epoch, count), value = pipe.execute()
    return f"{_text(epoch)}:{_text(count or b'0')}", value


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
    on_commit(session, functools.partial(_run_bump, session_redis(session),
                                         bump_config_version, shop_id))


def bump_data_version_after_commit(session: Session, shop_id: int, topic: str) -> None:
    on_commit(session, functools.partial(_run_bump, session_redis(session),
                                         bump_data_version, shop_id, topic))


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Entry:
    etag: str
    body: bytes
    #: the body holds the cache's ``marker`` (the CSP nonce slot, replaced per response)
    marked: bool = False


@dataclass(frozen=True)
class Lookup:
    entry: Entry | None
    stamp: str


_caches: weakref.WeakSet[OutputCache] = weakref.WeakSet()


def _forget_locally(shop_id: int) -> None:
    for output_cache in list(_caches):
        output_cache.forget(shop_id)


class OutputCache:
    """Cached page outputs: the process mirror first, then one Redis round trip.

    ``marker``: bytes a response replaces in the body (the CSP nonce slot); each entry notes
    once whether its body holds them, so a warm response need not search it."""

    def __init__(self, conn: redis.Redis, marker: bytes = b"") -> None:
        self.conn = conn
        self.marker = marker
        self._lock = threading.Lock()
        self.changed = threading.Condition(self._lock)
        self._mirror: OrderedDict[tuple[Any, ...], tuple[float, Lookup]] = OrderedDict()
        self._generation: dict[int, int] = {}
        self._listener: _Listener | None = None
        self._closed = False
        _caches.add(self)

    # --- the mirror -----------------------------------------------------------------------

    def _mirror_usable(self) -> bool:
        if self._closed:
            return False
        listener = self._listener
        if listener is None or listener.pid != os.getpid() or not listener.is_alive():
            self._listener = _Listener(self)
            self._listener.start()
            return False
        return listener.subscribed.is_set()

    def forget(self, shop_id: int) -> None:
        """Drop the shop's mirrored entries (a bump happened)."""
        with self._lock:
            self._generation[shop_id] = self._generation.get(shop_id, 0) + 1
            for key in [k for k in self._mirror if k[0] == shop_id]:
                del self._mirror[key]
            self.changed.notify_all()

    def generation(self, shop_id: int) -> int:
        """How many times the shop's mirrored entries were dropped (for waiting on it)."""
        return self._generation.get(shop_id, 0)

    def wait_until_forgotten(self, shop_id: int, past: int, timeout: float) -> bool:
        """Block until the shop's generation is above ``past`` (a bump reached this process)."""
        with self.changed:
            return self.changed.wait_for(lambda: self.generation(shop_id) > past, timeout)

    def mirror_ready(self, timeout: float) -> bool:
        """Start the listener if needed and wait until it is subscribed."""
        self._mirror_usable()
        listener = self._listener
        return listener is not None and listener.subscribed.wait(timeout)

    def forget_all(self) -> None:
        with self._lock:
            for shop_id in {k[0] for k in self._mirror} | set(self._generation):
                self._generation[shop_id] = self._generation.get(shop_id, 0) + 1
            self._mirror.clear()
            self.changed.notify_all()

    def close(self) -> None:
        """Stop the listener and wait until it has let go of Redis (the mirror is off from now
        on): an app's close hook, so that an embedded Redis stopped next loses no client."""
        self._closed = True
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.stop()
        self.forget_all()

    # --- lookups --------------------------------------------------------------------------

    def lookup(self, shop_id: int, slug: str, variant: str, fmt: str) -> Lookup:
        key = (shop_id, slug, variant, fmt)
        usable = self._mirror_usable()
        if usable:
            hit = self._mirror.get(key)
            if hit is not None and hit[0] > time.monotonic():
                return hit[1]
        generation = self._generation.get(shop_id, 0)
        hit_flag, value = PAGE_OUTPUT_LOOKUP(self.conn, [versions_key(shop_id), entry_key(*key)])
        if not hit_flag:
            return Lookup(None, _text(value) or current_stamp(self.conn, shop_id))
        stamp, etag, body = value.split(b"\n", 2)
        found = Lookup(self._entry(etag.decode(), body), stamp.decode())
        if usable:
            self._remember(key, generation, found)
        return found

    def _remember(self, key: tuple[Any, ...], generation: int, found: Lookup) -> None:
        with self._lock:
            if self._generation.get(key[0], 0) != generation:
                return  # a bump arrived while we asked Redis
            assert found.entry is not None
            self._mirror[key] = (time.monotonic() + MIRROR_TTL_SECONDS, found)
            self._mirror.move_to_end(key)
            while len(self._mirror) > MIRROR_SIZE:
                self._mirror.popitem(last=False)

    def store(self, shop_id: int, slug: str, variant: str, fmt: str, stamp: str,
              body: bytes) -> Entry:
        etag = etag_for(body)
        self.conn.set(entry_key(shop_id, slug, variant, fmt),
                      stamp.encode() + b"\n" + etag.encode() + b"\n" + body,
                      ex=ENTRY_TTL_SECONDS)
        return self._entry(etag, body)

    def _entry(self, etag: str, body: bytes) -> Entry:
        return Entry(etag, body, bool(self.marker) and self.marker in body)


class _Listener(threading.Thread):
    """Subscribes to the invalidation channel and clears the mirror's shops as bumps arrive.

    Holds the cache weakly, so an app that is gone takes its listener with it. Any error
    clears the whole mirror (messages may have been missed) until it is subscribed again.
    It also listens on a channel of its own, where :meth:`stop` wakes it.
    """

    def __init__(self, output_cache: OutputCache) -> None:
        super().__init__(name="mallkit-pages-invalidation", daemon=True)
        self.cache_ref = weakref.ref(output_cache)
        self.conn = output_cache.conn
        self.pid = os.getpid()
        self.subscribed = threading.Event()
        self.stopped = threading.Event()
        self.stop_channel = f"{channel_of(self.conn)}:stop:{secrets.token_hex(8)}"
        self.outage_reported = False

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and wait for the thread to end."""
        self.stopped.set()
        with contextlib.suppress(redis.RedisError):  # gone: the thread sees ``stopped`` anyway
            self.conn.publish(self.stop_channel, b"")
        if self.pid == os.getpid() and self is not threading.current_thread():
            self.join(timeout)

    def run(self) -> None:
        while self.cache_ref() is not None and not self.stopped.is_set():
            try:
                self._listen()
            except Exception:
                self.subscribed.clear()
                cache = self.cache_ref()
                if cache is not None:
                    cache.forget_all()
                if not self.stopped.is_set() and not self.outage_reported:
                    log.warning("page cache listener lost Redis; mirror off until it is back",
                                exc_info=True)
                    self.outage_reported = True  # once per outage, not once per retry
                self.stopped.wait(1.0)

    def _listen(self) -> None:
        pubsub = self.conn.pubsub(ignore_subscribe_messages=False)
        try:
            pubsub.subscribe(channel_of(self.conn), self.stop_channel)
            while True:
                message = pubsub.get_message(timeout=1.0)
                cache = self.cache_ref()
                if cache is None or self.stopped.is_set():
                    return
                if message is None:
                    continue
                if _text(message["channel"]) == self.stop_channel:
                    continue  # stopped is set before anything is sent here
                if message["type"] == "subscribe":
                    cache.forget_all()
                    self.subscribed.set()
                    self.outage_reported = False
                elif message["type"] == "message":
                    try:
                        cache.forget(int(message["data"]))
                    except ValueError:
                        continue
        finally:
            self.subscribed.clear()
            pubsub.close()
