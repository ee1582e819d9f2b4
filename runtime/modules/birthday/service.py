"""Birthday coupons (生日礼遇): each member whose birthday is today (or whose birthday month
this is, by the setting), shop-local, gets one coupon of each of the shop's templates once a
year — a gift row unique per member and year, written before the coupons are issued under the
key ``birthday-coupons-<member>-<year>``, so the hourly job running twice, or twice at once,
gives nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop
from runtime.modules import switches
from runtime.modules.birthday.models import BirthdayGift
from runtime.modules.birthday.settings import MODULE_ID, BirthdaySettings
from runtime.modules.members.birthdays import birthday_in_month, birthday_on
from runtime.modules.members.models import Member, MemberStatus
from runtime.modules.members.notices import notify
from runtime.shoptime import local_today, shop_zone

CATCH_UP_DAYS = 2  # a birthday the job missed (Redis or the worker down) is given this late


def settings(session: Session) -> BirthdaySettings:
    return BirthdaySettings.from_dict(switches.settings_of(session, MODULE_ID))


def gift_key(member_id: int, year: int) -> str:
    return f"birthday-coupons-{member_id}-{year}"


def due_member_ids(session: Session, rules: BirthdaySettings, today: date) -> list[int]:
    """Active members whose birthday (or birthday month) is ``today`` — or whose birthday
    was at most ``CATCH_UP_DAYS`` ago, in this year, when runs were lost — and who have no
    gift for ``today``'s year yet."""
    given = select(BirthdayGift.id).where(BirthdayGift.member_id == Member.id,
                                          BirthdayGift.year == today.year)
    if rules.timing == "month":
        when = birthday_in_month(today)
    else:  # today, or a birthday of the last days that a lost run missed (this year only)
        days = [today - timedelta(days=n) for n in range(CATCH_UP_DAYS + 1)]
        when = or_(*(birthday_on(day) for day in days if day.year == today.year))
    return list(session.scalars(select(Member.id).where(
        Member.status == MemberStatus.ACTIVE, when, ~given.exists()).order_by(Member.id)))


def give(session: Session, member_id: int, today: date, rules: BirthdaySettings) -> bool:
    """The year's gift for one member; False when it was given already."""
    from runtime.modules.loader import hooks

    gift = BirthdayGift(member_id=member_id, year=today.year, given_on=today)
    try:
        with session.begin_nested():
            session.add(gift)
    except IntegrityError:
        return False
    issued = hooks(session).issue_coupons(
        session=session, member_id=member_id, template_ids=list(rules.coupon_template_ids),
        source="birthday", idempotency_key=gift_key(member_id, today.year))
    gift.coupon_ids = [cid for ids in issued for cid in ids]
    if gift.coupon_ids:
        notify(session, member_id, kind="birthday_gift", title=rules.notice_title,
               body=f"{len(gift.coupon_ids)} 张生日券已放入你的账户，记得使用哦。",
               data={"year": today.year, "coupon_ids": gift.coupon_ids},
               dedupe_key=gift_key(member_id, today.year))
    session.flush()
    return True


def give_birthday_coupons(session: Session, now: datetime | None = None) -> int:
    """One run of the job for the current shop: how many members got their gift now.
    Nothing while the module is off or no template is set."""
    if not switches.is_enabled(session, MODULE_ID):
        return 0
    rules = settings(session)
    if not rules.coupon_template_ids:
        return 0
    today = local_today(shop_zone(session), now)
    return sum(give(session, member_id, today, rules)
               for member_id in due_member_ids(session, rules, today))


def birthday_coupons_job() -> dict[int, Any]:
    return for_each_shop(give_birthday_coupons, "birthday coupons")


@dataclass(frozen=True)
class GiftRow:
    """One gift as the console lists it."""

    member: str
    birthday: date | None
    given_on: date
    coupons: int


def gifts_of_year(session: Session, year: int, limit: int = 100) -> list[GiftRow]:
    return [GiftRow(nickname, birthday, gift.given_on, len(gift.coupon_ids or []))
            for gift, nickname, birthday in session.execute(
                select(BirthdayGift, Member.nickname, Member.birthday)
                .join(Member, Member.id == BirthdayGift.member_id)
                .where(BirthdayGift.year == year).order_by(BirthdayGift.id.desc()).limit(limit))]


def birthdays_this_month(session: Session, today: date) -> int:
    return session.scalar(select(func.count()).select_from(Member).where(
        Member.status == MemberStatus.ACTIVE, birthday_in_month(today))) or 0
