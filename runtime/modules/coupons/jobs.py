"""Timed work of the coupons module: the shop's day job (remind, then expire), the hourly
sweeper that catches a lost day job, and the console's push to a member segment (``bulk``
queue, once per member)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.jobs import for_each_shop, job_session
from runtime.modules.switches import is_enabled

PUSH_CHUNK = 200


def expire_and_remind(session: Session) -> dict[str, int]:
    """Expire what has ended, then remind of what ends soon (nothing while the module is
    off: held coupons wait, they are not lost)."""
    from runtime.modules.coupons import service

    if not is_enabled(session, service.MODULE_ID):
        return {"expired": 0, "reminded": 0}
    now = utcnow()
    return {"expired": service.expire_due(session, now),
            "reminded": service.remind_due(session, now)}


def run_day(shop_id: int, day: str) -> dict[str, int]:
    """The day job ``coupons-day-<shop>-<date>`` (scheduled when a coupon is issued)."""
    with job_session(shop_id) as session:
        return expire_and_remind(session)


def sweep_job() -> dict[int, Any]:
    """Hourly: every shop, whatever day job was lost."""
    return for_each_shop(expire_and_remind, "coupons sweep")


def run_push(shop_id: int, push_id: int) -> int:
    """Issue the push's coupon to each member of its segment, once per member (key
    ``push-<push>-<member>``; a re-run skips those done), one transaction per chunk."""
    from runtime.modules.coupons import push as pushes

    issued = 0
    after = 0
    while True:
        with job_session(shop_id) as session:
            push = pushes.get_push(session, push_id)
            member_ids = pushes.segment_member_ids(session, push.segment, after, PUSH_CHUNK)
            for member_id in member_ids:
                issued += pushes.issue_to(session, push, member_id)
            if len(member_ids) < PUSH_CHUNK:
                pushes.finish(session, push)
                return issued
            after = member_ids[-1]


