"""Background work of promotions: the start / end timer of an activity and its sweeper."""

from __future__ import annotations

import logging

from runtime.clock import utcnow
from runtime.jobs import job_session
from runtime.modules.promotions.service import apply_due, due_activities

log = logging.getLogger(__name__)


def apply_activity_schedule(shop_id: int, kind: str, activity_id: int) -> bool:
    """The timer job: move the activity to the status its window gives now."""
    with job_session(shop_id) as session:
        return apply_due(session, kind, activity_id, utcnow())


def sweep_schedules() -> int:
    """The periodic sweeper: applies start / end timers lost while Redis or the worker
    was away."""
    with job_session() as session:
        due = due_activities(session, utcnow())
    applied = 0
    for shop_id, kind, activity_id in due:
        try:
            applied += apply_activity_schedule(shop_id, kind, activity_id)
        except Exception:
            log.exception("promotions: could not apply the schedule of %s %s", kind,
                          activity_id)
    return applied
