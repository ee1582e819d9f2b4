"""Member day (会员日): whether a shop-local day is the member day, who takes part, and what
the day gives — the price members are offered and the points multiplier of orders paid on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import NotFound
from runtime.modules import switches
from runtime.modules.memberday.settings import MODULE_ID, MemberDaySettings
from runtime.modules.members.models import Level, Member
from runtime.shoptime import local_today, shop_zone


class MemberDayErrorCode(StrEnum):
    MODULE_OFF = "module_disabled"


def ensure_module_on(session: Session) -> None:
    if not switches.is_enabled(session, MODULE_ID):
        raise NotFound("member day is not available in this shop",
                       code=MemberDayErrorCode.MODULE_OFF)


def settings(session: Session) -> MemberDaySettings:
    return MemberDaySettings.from_dict(switches.settings_of(session, MODULE_ID))


def shop_day(session: Session, moment: datetime | None = None) -> date:
    """The shop-local date of ``moment`` (now by the injectable clock)."""
    return local_today(shop_zone(session), moment)


def takes_part(session: Session, rules: MemberDaySettings, member_id: int) -> bool:
    """Whether the member's level is at least the lowest rank taking part (0: everyone)."""
    if rules.min_level_rank <= 0:
        return True
    rank = session.scalar(select(Level.rank).join(Member, Member.level_id == Level.id)
                          .where(Member.id == member_id))
    return rank is not None and rank >= rules.min_level_rank


@dataclass(frozen=True)
class MemberDay:
    """What the shop's member day looks like from ``today`` (for the block and the API)."""

    title: str
    today: date
    next_date: date
    discount_percent: int
    points_multiplier: int
    benefit_text: str
    min_level_rank: int
    eligible: bool | None  # None: nobody logged in

    @property
    def is_today(self) -> bool:
        return self.next_date == self.today

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "today": self.today.isoformat(),
                "is_today": self.is_today, "next_date": self.next_date.isoformat(),
                "days_until": (self.next_date - self.today).days,
                "discount_percent": self.discount_percent,
                "points_multiplier": self.points_multiplier,
                "benefit_text": self.benefit_text, "min_level_rank": self.min_level_rank,
                "eligible": self.eligible}


def member_day(session: Session, member_id: int | None) -> MemberDay:
    rules = settings(session)
    today = shop_day(session)
    return MemberDay(
        title=rules.title, today=today, next_date=rules.next_member_day(today),
        discount_percent=rules.discount_percent, points_multiplier=rules.points_multiplier,
        benefit_text=rules.benefit_text, min_level_rank=rules.min_level_rank,
        eligible=takes_part(session, rules, member_id) if member_id is not None else None)


def rules_for(session: Session, member_id: int,
              moment: datetime | None = None) -> MemberDaySettings | None:
    """The shop's member-day rules when ``moment`` (now) is the member day, shop-local, and
    the member takes part; None otherwise. One read of the settings, a level look-up only
    on the day."""
    rules = settings(session)
    if not rules.is_member_day(shop_day(session, moment)):
        return None
    return rules if takes_part(session, rules, member_id) else None


def multiplier_for(session: Session, member_id: int, paid_at: datetime) -> Decimal | None:
    """The points multiplier of an order paid at ``paid_at`` (shop-local member day)."""
    rules = rules_for(session, member_id, paid_at)
    if rules is None or rules.points_multiplier <= 1:
        return None
    return Decimal(rules.points_multiplier)
