"""Periodic work of the points module: expiry, notices ahead of it, and each level's
birthday gift points."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop
from runtime.modules.members.birthdays import birthday_on
from runtime.modules.members.models import Level, Member, MemberStatus
from runtime.modules.points.expiry import expire_due, notify_expiring
from runtime.modules.points.service import credit
from runtime.shoptime import local_today, shop_zone


def birthday_gifts(session: Session) -> int:
    """Credit each level's birthday gift to members whose birthday is today, shop-local
    (29 February birthdays on 28 February in other years); once a year per member."""
    today = local_today(shop_zone(session))
    rows = session.execute(
        select(Member.id, Level.birthday_gift_points).join(Level, Level.id == Member.level_id)
        .where(Member.status == MemberStatus.ACTIVE, Level.birthday_gift_points > 0,
               birthday_on(today)).order_by(Member.id))
    granted = 0
    for member_id, points in rows:
        result = credit(session, member_id, points, reason="birthday_gift",
                        key=f"birthday-{member_id}-{today.year}",
                        detail={"year": today.year})
        granted += int(result.applied)
    return granted


def birthday_gifts_job() -> dict[int, Any]:
    return for_each_shop(birthday_gifts, "points birthday gifts")


def expire_job() -> dict[int, Any]:
    return for_each_shop(lambda s: expire_due(s), "points expiry")


def notices_job() -> dict[int, Any]:
    return for_each_shop(lambda s: notify_expiring(s), "points expiry notices")
