"""The shop's local calendar: members' birthdays, sign-in days and expiry dates are days in
the shop's time zone, not in UTC."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.shops.models import Shop


def shop_zone(session: Session) -> ZoneInfo:
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("the shop's time zone needs a shop context (use_shop)")
    shop = session.get(Shop, shop_id)
    return ZoneInfo(shop.timezone if shop is not None else "Asia/Shanghai")


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(zone).date()


def local_midnight(zone: ZoneInfo, day: date) -> datetime:
    """The instant a shop-local day starts, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=zone)
