"""What happens after an order transaction commits: timers are scheduled, follow-up jobs
enqueued. Nothing here runs inside the open transaction (see ``runtime.jobs.on_commit``);
whatever is lost while Redis is down is caught by the sweepers in ``orders.jobs``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from sqlalchemy.orm import Session

from runtime import jobs


def _redis() -> redis.Redis | None:
    return jobs.app_redis()


def close_job_id(shop_id: int, order_id: int) -> str:
    return jobs.job_id("cancel-unpaid", shop_id, order_id)


def schedule_unpaid_close(session: Session, shop_id: int, order_id: int,
                          at: datetime) -> None:
    """Close the new order at its payment deadline unless it is paid by then (its job id
    names the order, so no earlier job is looked up)."""
    from runtime.modules.orders.jobs import close_unpaid_order

    connection = _redis()
    if connection is not None:
        jobs.enqueue_after_commit(session, connection, close_unpaid_order, shop_id, order_id,
                                  jid=close_job_id(shop_id, order_id), at=at,
                                  queue=jobs.CRITICAL, new=True)


def cancel_unpaid_close(session: Session, shop_id: int, order_id: int) -> None:
    """The order was paid or closed: its timer has nothing left to do."""
    import functools

    connection = _redis()
    if connection is not None:
        jobs.on_commit(session, functools.partial(jobs.cancel, connection,
                                                  close_job_id(shop_id, order_id)))


def enqueue_after_commit(session: Session, func: Callable[..., Any], *args: Any,
                         jid: str | None = None, queue: str = jobs.DEFAULT) -> None:
    jobs.enqueue_for_app_after_commit(session, func, *args, jid=jid, queue=queue)
