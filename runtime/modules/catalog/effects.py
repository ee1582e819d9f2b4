"""What happens after a catalog transaction commits: the page data version is bumped (so
cached layouts showing products are rebuilt) and on/off-sale timers are (re)scheduled.

Nothing here runs inside the open transaction; callbacks are registered with
:func:`runtime.jobs.on_commit` and dropped on rollback.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime import jobs

log = logging.getLogger(__name__)

DATA_TOPIC = "catalog"


def _redis(session: Session) -> redis.Redis | None:
    connection = jobs.session_redis(session)
    if connection is None:  # no application context: nothing to tell
        log.warning("catalog change outside an app context; page caches not bumped")
    return connection


def bump_catalog_version(connection: redis.Redis, shop_id: int) -> None:
    """Tell the page cache that the shop's catalog data changed (cached layouts miss)."""
    from runtime.pages.cache import bump_data_version

    try:
        bump_data_version(connection, shop_id, DATA_TOPIC)
    except redis.RedisError:
        log.exception("could not bump the catalog data version of shop %s", shop_id)


def changed_in_transaction(session: Session, shop_id: int) -> bool:
    """Has this transaction changed the shop's catalog (its version bump waiting for the
    commit)?"""
    return any(isinstance(callback, functools.partial) and callback.func is bump_catalog_version
               and callback.args[1] == shop_id
               for callback in session.info.get("after_commit", []))


def on_catalog_changed(session: Session, shop_id: int) -> None:
    """Bump the shop's ``catalog`` data version once, after this transaction commits."""
    if changed_in_transaction(session, shop_id):
        return
    connection = _redis(session)
    if connection is not None:
        jobs.on_commit(session, functools.partial(bump_catalog_version, connection, shop_id))


def schedule_timers(session: Session, shop_id: int, product_id: int,
                    on_sale_at: datetime | None, off_sale_at: datetime | None) -> None:
    """(Re)schedule the on-sale and off-sale jobs of a product after commit; a cleared time
    cancels its job. The sweeper catches any timer lost while Redis was away."""
    from runtime.modules.catalog.jobs import apply_product_schedule

    connection = _redis(session)
    if connection is None:
        return
    for edge, moment in (("on", on_sale_at), ("off", off_sale_at)):
        jid = timer_job_id(shop_id, product_id, edge)
        if moment is None:
            jobs.on_commit(session, functools.partial(_cancel_quietly, connection, jid))
        else:
            jobs.enqueue_after_commit(session, connection, apply_product_schedule, shop_id,
                                      product_id, jid=jid, at=moment, replace=True)


def timer_job_id(shop_id: int, product_id: int, edge: str) -> str:
    return jobs.job_id("catalog", f"{edge}sale", shop_id, product_id)


def _cancel_quietly(connection: redis.Redis, jid: str) -> Any:
    return jobs.cancel(connection, jid)
