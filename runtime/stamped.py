"""Values kept in Redis under a stamp: ``"<stamp>\\n<JSON>"`` at one key, served only while
the stamp the caller read (a data version, change tokens) is still the one it was stored
under. The caller reads the stamp and the entry in one round trip and decides where such an
entry may be trusted; this module answers from the entry or reads and keeps the value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import redis

log = logging.getLogger(__name__)

T = TypeVar("T")


def kept_or_read(conn: redis.Redis, key: str, stamp: str, entry: bytes | None,
                 read: Callable[[], T], *, dump: Callable[[T], Any],
                 load: Callable[[Any], T], ttl: int) -> T:
    """The value in ``entry`` when it was stored under ``stamp``; else ``read()``, kept at
    ``key`` under ``stamp`` for ``ttl`` seconds (``dump`` makes it JSON, ``load`` makes it
    again). A Redis that refuses the write is logged, and the value still returned."""
    stored, _, body = (entry or b"").decode().partition("\n")
    if stored == stamp:
        return load(json.loads(body))
    value = read()
    try:
        conn.set(key, stamp + "\n" + json.dumps(dump(value)), ex=ttl)
    except redis.RedisError:
        log.warning("could not keep %s in Redis", key, exc_info=True)
    return value
