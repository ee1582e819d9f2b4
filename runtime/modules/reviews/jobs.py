"""The automatic good review (自动好评): a timer job per completed order at its due time,
plus a periodic sweeper for the ones whose job was lost (Redis down, module switched on
later, setting changed)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.jobs import enqueue_for_app_after_commit, job_id, job_session
from runtime.modules.reviews.service import (
    AUTO_REVIEW_BATCH,
    shops_with_due_reviews,
    write_automatic_reviews,
)
from runtime.modules.switches import is_enabled

log = logging.getLogger(__name__)


def auto_review_job_id(shop_id: int, order_id: int) -> str:
    return job_id("reviews-auto", shop_id, order_id)


def schedule_auto_review(session: Session, shop_id: int, order_id: int, due: datetime) -> None:
    """Start the order's timer once the completing transaction commits."""
    enqueue_for_app_after_commit(session, auto_review_order, shop_id, order_id,
                                 jid=auto_review_job_id(shop_id, order_id), at=due)


def auto_review_order(shop_id: int, order_id: int) -> int:
    """The timer: the order's lines still without a review get the automatic one (nothing
    before they are due, nothing while the module is off)."""
    with job_session(shop_id) as session:
        if not is_enabled(session, "reviews"):
            return 0
        return write_automatic_reviews(session, order_id=order_id)


def review_shop_backlog(shop_id: int, now: datetime | None = None,
                        batch: int = AUTO_REVIEW_BATCH) -> int:
    """Every due automatic review of one shop, a batch per transaction."""
    total = 0
    while True:
        with job_session(shop_id) as session:
            if not is_enabled(session, "reviews"):
                return total
            written = write_automatic_reviews(session, now, batch=batch)
        total += written
        if written < batch:
            return total


def sweep_auto_reviews() -> int:
    """The sweeper: every shop with automatic reviews due whose timers were lost."""
    now = utcnow()
    with job_session() as session, platform_access(session, "reviews: auto-review sweeper"):
        shops = shops_with_due_reviews(session, now)
    total = 0
    for shop_id in shops:
        try:
            total += review_shop_backlog(shop_id, now)
        except Exception:
            log.exception("auto-review sweep failed for shop %s", shop_id)
    return total
