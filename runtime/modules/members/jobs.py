"""Periodic work of the members module, one transaction per shop: segments (rule tags and
lifecycle stages), birthday gifts, expiry of paid cards, and the member export."""

from __future__ import annotations

import calendar
import logging
from typing import Any

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop, job_session
from runtime.modules.members.cards import expire_cards
from runtime.modules.members.models import Level, Member, MemberStatus
from runtime.modules.members.tags import recompute_segments
from runtime.shoptime import local_today, shop_zone

log = logging.getLogger(__name__)


def birthday_gifts(session: Session) -> int:
    """Credit each level's birthday gift to members whose birthday is today, shop-local
    (29 February birthdays on 28 February in other years); once a year per member."""
    from runtime.modules.points.service import credit

    today = local_today(shop_zone(session))
    days = [today.day]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        days.append(29)
    rows = session.execute(
        select(Member.id, Level.birthday_gift_points).join(Level, Level.id == Member.level_id)
        .where(Member.status == MemberStatus.ACTIVE, Level.birthday_gift_points > 0,
               extract("month", Member.birthday) == today.month,
               extract("day", Member.birthday).in_(days)).order_by(Member.id))
    granted = 0
    for member_id, points in rows:
        result = credit(session, member_id, points, reason="birthday_gift",
                        key=f"birthday-{member_id}-{today.year}",
                        detail={"year": today.year})
        granted += int(result.applied)
    return granted


def recompute_segments_job() -> dict[int, Any]:
    return for_each_shop(lambda s: recompute_segments(s), "members segments")


def birthday_gifts_job() -> dict[int, Any]:
    return for_each_shop(birthday_gifts, "members birthday gifts")


def expire_cards_job() -> dict[int, Any]:
    return for_each_shop(lambda s: expire_cards(s), "members card expiry")


def run_export(shop_id: int, export_id: int) -> str:
    from runtime.extension import state
    from runtime.modules.members.export import mark_failed, write_export

    try:
        with job_session(shop_id) as session:
            return write_export(session, export_id, state().settings.data_dir)
    except Exception as exc:
        with job_session(shop_id) as session:
            mark_failed(session, export_id, f"{type(exc).__name__}: {exc}")
        raise
