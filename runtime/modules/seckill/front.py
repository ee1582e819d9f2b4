"""The shop as ``POST .../seckill/orders`` sees it, held in the process so a rush of
attempts reads no table: the shop's id (the pages' 30-second slug map), whether the module
is on and the member attempt limit.

An entry is trusted for ``FRONT_TTL_SECONDS`` and only while the page-cache listener is
subscribed and the shop's invalidation generation is unchanged: a module switch bumps the
shop's config version, which reaches every process through that channel (the same rule as
the published-output mirror). Otherwise it is read again, in a reader's transaction (on
SQLite ``BEGIN DEFERRED``, never the write lock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from runtime.db import use_shop
from runtime.modules.seckill.settings import MODULE_ID, SeckillSettings

FRONT_TTL_SECONDS = 2.0
_KEY = "seckill.fronts"


@dataclass(frozen=True)
class Front:
    """What the gate's endpoint needs of the shop."""

    shop_id: int
    slug: str
    enabled: bool
    attempts: int


@dataclass(frozen=True)
class _Held:
    front: Front
    generation: int
    until: float


_lock = threading.Lock()


def read_front(session: Session, shop_id: int, slug: str) -> Front:
    """The shop's seckill switch and attempt limit from the database (one query)."""
    from runtime.modules.switches import module_state

    use_shop(session, shop_id)
    state = module_state(session)
    values = SeckillSettings.from_dict(state.settings_of(MODULE_ID))
    return Front(shop_id, slug, state.is_enabled(MODULE_ID), values.member_attempts_per_10s)


def front_for(slug: str, open_session: Callable[[], Session]) -> Front:
    """The front of the shop at ``slug`` (404 ``shop_not_found``): from the process while
    trusted, else read in the session ``open_session`` gives (scoped to the shop)."""
    from runtime.extension import state
    from runtime.pages.output import output_cache, shop_id_for

    shop_id = shop_id_for(slug)
    cache = output_cache()
    held_by = state().registries.setdefault(_KEY, {})
    trusted = cache.mirror_ready(0)
    generation = cache.generation(shop_id)
    held: _Held | None = held_by.get(slug)
    now = time.monotonic()
    if trusted and held is not None and held.generation == generation and held.until > now \
            and held.front.shop_id == shop_id:
        return held.front
    front = read_front(open_session(), shop_id, slug)
    if trusted:
        with _lock:
            held_by[slug] = _Held(front, generation, now + FRONT_TTL_SECONDS)
    return front
