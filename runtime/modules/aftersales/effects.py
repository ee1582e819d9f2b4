"""What an after-sale transaction schedules once it commits: the timer of the request's
current state, and the job that sends its WeChat Pay refund. Both are found again by the
sweeper (:func:`runtime.modules.aftersales.jobs.sweep`) when Redis loses them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from runtime import jobs
from runtime.db import current_shop_id
from runtime.modules.aftersales.models import AfterSale


def timer_job_id(shop_id: int, aftersale_id: int) -> str:
    return jobs.job_id("aftersale-timer", shop_id, aftersale_id)


def send_job_id(shop_id: int, aftersale_id: int) -> str:
    return jobs.job_id("aftersale-refund", shop_id, aftersale_id)


def schedule_timer(session: Session, aftersale: AfterSale) -> None:
    """Run the request's timer at its ``due_at`` (replacing the previous state's)."""
    from runtime.modules.aftersales.jobs import run_timer

    shop_id = current_shop_id(session)
    assert shop_id is not None and aftersale.due_at is not None
    jobs.enqueue_for_app_after_commit(session, run_timer, shop_id, aftersale.id,
                                      jid=timer_job_id(shop_id, aftersale.id),
                                      at=aftersale.due_at, replace=True, queue=jobs.CRITICAL)


def schedule_send(session: Session, aftersale: AfterSale, at: datetime) -> None:
    """Send the request's WeChat Pay refund at ``at`` (WeChat wants a payment's refunds a
    minute apart)."""
    from runtime.modules.aftersales.jobs import send_refund

    shop_id = current_shop_id(session)
    assert shop_id is not None
    jobs.enqueue_for_app_after_commit(session, send_refund, shop_id, aftersale.id,
                                      jid=send_job_id(shop_id, aftersale.id), at=at,
                                      replace=True, queue=jobs.CRITICAL)
