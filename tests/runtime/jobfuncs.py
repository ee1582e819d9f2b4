"""Job functions the job tests enqueue (importable by a worker subprocess)."""

from __future__ import annotations

from runtime.extension import state
from runtime.jobs import job_session
from runtime.shops.models import Shop


def record_shop_name(shop_id: int, key: str) -> str:
    """Reads the shop in the job's own session and writes its name to Redis."""
    with job_session(shop_id) as session:
        name = session.get(Shop, shop_id).name
    state().redis.set(key, name)
    return name


def count_call(key: str = "periodic-calls") -> None:
    state().redis.incr(key)


def record_pid(key: str) -> None:
    """Writes the id of the process that ran the job."""
    import os

    state().redis.set(key, os.getpid())


def log_line(event: str, fields: dict[str, str]) -> None:
    """Binds ``fields`` to the job's log context, then logs ``event``."""
    from runtime import logs

    logs.bind(**fields)
    logs.get_logger("mallkit.test").info(event)
