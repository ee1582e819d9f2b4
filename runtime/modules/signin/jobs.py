"""Periodic work of the sign-in module: the evening reminder (once per member and day)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.jobs import for_each_shop
from runtime.modules.members.notices import notify
from runtime.modules.signin.service import member_ids_to_remind
from runtime.modules.signin.settings import signin_settings
from runtime.modules.switches import is_enabled
from runtime.shoptime import local_today, shop_zone


def send_reminders(session: Session) -> int:
    """From ``remind_hour`` (shop time) on, a notice to each member whose streak breaks at
    midnight; nothing while the module is off or reminders are."""
    if not is_enabled(session, "signin"):
        return 0
    settings = signin_settings(session)
    zone = shop_zone(session)
    now = utcnow()
    if not settings.remind_enabled or now.astimezone(zone).hour < settings.remind_hour:
        return 0
    today = local_today(zone, now)
    sent = 0
    for member_id in member_ids_to_remind(session, now):
        sent += notify(session, member_id, kind="signin_reminder", title="今天还没签到",
                       body="今天签到可以保持连续签到天数，领取积分奖励。",
                       data={"date": today.isoformat()},
                       dedupe_key=f"signin-remind-{member_id}-{today}")
    return sent


def reminders_job() -> dict[int, Any]:
    return for_each_shop(send_reminders, "signin reminders")
