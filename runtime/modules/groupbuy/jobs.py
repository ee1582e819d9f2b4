"""The group buy's timers: one expiry job per group (job id ``groupbuy-expire-<shop>-<group>``,
at its ``expire_at``) and the sweeper that applies expiries whose job Redis lost."""

from __future__ import annotations

import logging

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.jobs import job_session
from runtime.modules.groupbuy import groups
from runtime.modules.groupbuy.models import GroupbuyGroup, GroupStatus

log = logging.getLogger(__name__)


def expire_job(shop_id: int, group_id: int) -> str:
    """A group's expiry (virtual completion or failure), once; early or again: a no-op."""
    with job_session(shop_id) as session:
        return groups.expire_group(session, group_id)


def sweep() -> dict[str, int]:
    """Apply every due expiry (every minute), shop by shop, each group in its own
    transaction; a group already handled by its job is left alone."""
    now = utcnow()
    with job_session() as session, platform_access(session, "groupbuy: sweeper"):
        due = session.execute(select(GroupbuyGroup.shop_id, GroupbuyGroup.id).where(
            GroupbuyGroup.status == GroupStatus.OPEN, GroupbuyGroup.expire_at <= now)
            .order_by(GroupbuyGroup.expire_at, GroupbuyGroup.id).limit(1000)).all()
    done: dict[str, int] = {"virtual success": 0, "failed": 0, "nothing to do": 0}
    for shop_id, group_id in due:
        try:
            outcome = expire_job(shop_id, group_id)
            done[outcome] = done.get(outcome, 0) + 1
        except Exception:
            log.exception("group %s of shop %s: expiry failed", group_id, shop_id)
    return done
