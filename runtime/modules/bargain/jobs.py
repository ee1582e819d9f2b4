"""The bargain's timers: one expiry job per launch (id ``bargain-expire-<shop>-<launch>``, at
its ``expire_at``) and the sweeper that expires launches whose job Redis lost."""

from __future__ import annotations

import logging

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.jobs import job_session
from runtime.modules.bargain import launches

log = logging.getLogger(__name__)


def expire_job(shop_id: int, launch_id: int) -> str:
    """A launch's expiry, once; early or again: a no-op."""
    with job_session(shop_id) as session:
        return launches.expire(session, launch_id)


def sweep() -> dict[str, int]:
    """Expire every due launch (every minute), each in its own transaction."""
    with job_session() as session, platform_access(session, "bargain: sweeper"):
        due = launches.due_launches(session, utcnow())
    done: dict[str, int] = {"expired": 0, "nothing to do": 0}
    for shop_id, launch_id in due:
        try:
            outcome = expire_job(shop_id, launch_id)
            done[outcome] = done.get(outcome, 0) + 1
        except Exception:
            log.exception("bargain launch %s of shop %s: expiry failed", launch_id, shop_id)
    return done
