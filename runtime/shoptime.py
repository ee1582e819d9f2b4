"""The shop's local calendar and clock: birthdays, sign-in days, expiry dates and every time a
merchant reads in the console are in the shop's time zone (``Shop.timezone``), not in UTC.

A blank or unknown zone name falls back to :data:`DEFAULT_ZONE` rather than failing a page.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.shops.models import Shop

DEFAULT_ZONE = "Asia/Shanghai"


def is_known_zone(name: str | None) -> bool:
    """Whether ``name`` is an IANA zone this machine knows (``Asia/Shanghai``)."""
    try:
        ZoneInfo(name or "")
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_named(name: str | None) -> ZoneInfo:
    """The zone called ``name``; :data:`DEFAULT_ZONE` for a blank or unknown name."""
    return ZoneInfo(name if is_known_zone(name) else DEFAULT_ZONE)


def zone_of(shop: Shop | None) -> ZoneInfo:
    """The shop's zone (the default without a shop)."""
    return zone_named(shop.timezone if shop is not None else None)


def shop_zone(session: Session) -> ZoneInfo:
    """The zone of the shop the session is scoped to (``use_shop``)."""
    shop_id = current_shop_id(session)
    if shop_id is None:
        raise RuntimeError("the shop's time zone needs a shop context (use_shop)")
    return zone_of(session.get(Shop, shop_id))


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    """Today in ``zone`` (by the injectable clock)."""
    return (now or utcnow()).astimezone(zone).date()


def local_midnight(zone: ZoneInfo, day: date) -> datetime:
    """The instant a shop-local day starts, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=zone)


def local_text(moment: datetime | str | None, zone: ZoneInfo,
               fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored aware time (or its ISO text) as wall-clock text in ``zone``; blank for None."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(zone).strftime(fmt)
