"""Sign-in (签到有礼): one sign-in per member per shop-local day, streak rewards that cycle,
make-up sign-ins (补签) for missed days of the current month, monthly milestones.

Rules (``docs/modules/signin.md`` has a worked example):

- The day is the shop's local day (``Shop.timezone``): 23:59 and 00:01 are two days.
- Streak: with ``reset_on_miss`` the run of consecutive days ending today (a missed day
  starts again at 1); without it, a missed day only pauses the count.
- A sign-in pays ``daily_points`` plus the reward of its cycle day, where the cycle day is
  ``(streak - 1) % cycle_days + 1`` (7-day cycle: day 8 of a streak is cycle day 1 again).
- A make-up fills a missed day earlier in the current month (not before the member
  joined), costs ``makeup_cost_points``, at most ``makeup_max_per_month`` a month; it pays
  no daily points but joins the streak and counts for milestones.
- Milestone: when the days signed in a month (make-ups included) reach N, its points are
  paid once that month.

Every sign-in and make-up locks the member's :class:`SigninState` row first, and a record
per (member, day) is unique, so concurrent requests give exactly one credit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules.signin.models import MilestoneGrant, SigninRecord, SigninState
from runtime.modules.signin.settings import SigninSettings, signin_settings
from runtime.shoptime import local_today, shop_zone
from runtime.upsert import upsert

REF = "signin"


class SigninErrorCode:
    ALREADY_SIGNED_IN = "already_signed_in"
    MAKEUP_DISABLED = "makeup_disabled"
    MAKEUP_LIMIT = "makeup_limit_reached"
    MODULE_OFF = "module_disabled"


class AlreadySignedIn(Conflict):
    code = SigninErrorCode.ALREADY_SIGNED_IN
    title = "Already signed in"


@dataclass(frozen=True)
class MilestoneReward:
    days: int
    points: int


@dataclass(frozen=True)
class SigninResult:
    record: SigninRecord
    points: int
    streak: int
    cycle_day: int
    cost_points: int = 0
    milestones: list[MilestoneReward] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.record.signin_date.isoformat(), "points": self.points,
                "streak": self.streak, "cycle_day": self.cycle_day,
                "makeup": self.record.is_makeup, "cost_points": self.cost_points,
                "milestones": [{"days": m.days, "points": m.points} for m in self.milestones]}


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, "signin"):
        raise NotFound("sign-in is not available in this shop", code=SigninErrorCode.MODULE_OFF)


def month_bounds(day: date) -> tuple[date, date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def state_for_update(session: Session, member_id: int) -> SigninState:
    """The member's state row (created race-safe), locked."""
    if session.scalar(select(SigninState.id).where(SigninState.member_id == member_id)) is None:
        now = utcnow()
        upsert(session, SigninState, {"shop_id": current_shop_id(session),
                                      "member_id": member_id, "total_days": 0,
                                      "created_at": now, "updated_at": now},
               conflict=("shop_id", "member_id"))
    state = session.scalar(select(SigninState).where(SigninState.member_id == member_id)
                           .with_for_update().execution_options(populate_existing=True))
    assert state is not None
    return state


def _record_on(session: Session, member_id: int, day: date) -> SigninRecord | None:
    return session.scalar(select(SigninRecord).where(SigninRecord.member_id == member_id,
                                                     SigninRecord.signin_date == day))


def _previous(session: Session, member_id: int, day: date) -> SigninRecord | None:
    return session.scalar(select(SigninRecord).where(SigninRecord.member_id == member_id,
                                                     SigninRecord.signin_date < day)
                          .order_by(SigninRecord.signin_date.desc()).limit(1))


def streak_after(previous: SigninRecord | None, day: date, settings: SigninSettings) -> int:
    """The streak a sign-in on ``day`` makes, given the latest earlier record."""
    if previous is None:
        return 1
    if settings.reset_on_miss and previous.signin_date != day - timedelta(days=1):
        return 1
    return previous.streak + 1


def _member_joined(session: Session, member_id: int, zone: Any) -> date:
    from runtime.modules.members.service import get_member

    return get_member(session, member_id).created_at.astimezone(zone).date()


def sign_in(session: Session, member_id: int) -> SigninResult:
    """Sign in for today (shop-local); :class:`AlreadySignedIn` if already done."""
    settings = signin_settings(session)
    zone = shop_zone(session)
    today = local_today(zone)
    state = state_for_update(session, member_id)
    if _record_on(session, member_id, today) is not None:
        raise AlreadySignedIn("already signed in today", extra={"date": today.isoformat()})
    streak = streak_after(_previous(session, member_id, today), today, settings)
    cycle_day = settings.cycle_day(streak)
    points = settings.points_for(streak)
    record = SigninRecord(member_id=member_id, signin_date=today, streak=streak,
                          cycle_day=cycle_day, points=points)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        raise AlreadySignedIn("already signed in today",
                              extra={"date": today.isoformat()}) from None
    if points > 0:
        from runtime.modules.points.service import credit

        credit(session, member_id, points, reason="signin", key=f"signin-{member_id}-{today}",
               ref_type=REF, ref_id=str(record.id),
               detail={"streak": streak, "cycle_day": cycle_day})
    state.total_days += 1
    state.last_date = max(state.last_date or today, today)
    milestones = _grant_milestones(session, member_id, today, settings)
    session.flush()
    return SigninResult(record, points, streak, cycle_day, 0, milestones)


def makeup_days_used(session: Session, member_id: int, day: date) -> int:
    first, last = month_bounds(day)
    return session.scalar(select(func.count()).select_from(SigninRecord).where(
        SigninRecord.member_id == member_id, SigninRecord.is_makeup.is_(True),
        SigninRecord.signin_date >= first, SigninRecord.signin_date <= last)) or 0


def parse_day(value: Any, pointer: str = "/date") -> date:
    if not isinstance(value, str):
        raise ValidationFailed.single(pointer, "a date YYYY-MM-DD", "format")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.single(pointer, "a date YYYY-MM-DD", "format") from None


def make_up(session: Session, member_id: int, day: date) -> SigninResult:
    """Sign in for a missed ``day`` of the current month, paying ``makeup_cost_points``."""
    from runtime.modules.points.service import debit

    settings = signin_settings(session)
    if not settings.makeup_enabled:
        raise Conflict("make-up sign-ins are switched off", code=SigninErrorCode.MAKEUP_DISABLED)
    zone = shop_zone(session)
    today = local_today(zone)
    first, _last = month_bounds(today)
    if not first <= day < today:
        raise ValidationFailed.single("/date", "only a day earlier this month can be made up",
                                      "range")
    if day < _member_joined(session, member_id, zone):
        raise ValidationFailed.single("/date", "the day is before the member joined", "range")
    state = state_for_update(session, member_id)
    if _record_on(session, member_id, day) is not None:
        raise AlreadySignedIn(f"{day.isoformat()} is already signed",
                              extra={"date": day.isoformat()})
    used = makeup_days_used(session, member_id, today)
    if used >= settings.makeup_max_per_month:
        raise Conflict(f"at most {settings.makeup_max_per_month} make-ups a month",
                       code=SigninErrorCode.MAKEUP_LIMIT,
                       extra={"max_per_month": settings.makeup_max_per_month, "used": used})
    cost = settings.makeup_cost_points
    if cost > 0:
        debit(session, member_id, cost, reason="signin_makeup",
              key=f"signin-makeup-{member_id}-{day}", ref_type=REF, ref_id=day.isoformat())
    streak = streak_after(_previous(session, member_id, day), day, settings)
    record = SigninRecord(member_id=member_id, signin_date=day, streak=streak,
                          cycle_day=settings.cycle_day(streak), points=0, is_makeup=True,
                          cost_points=cost)
    session.add(record)
    session.flush()
    _restreak_after(session, member_id, record, settings)
    state.total_days += 1
    milestones = _grant_milestones(session, member_id, day, settings)
    session.flush()
    return SigninResult(record, 0, streak, record.cycle_day, cost, milestones)


def _restreak_after(session: Session, member_id: int, record: SigninRecord,
                    settings: SigninSettings) -> None:
    """A make-up joins runs: the streaks of the later records follow (rewards already paid
    stay as they were)."""
    previous = record
    for later in session.scalars(select(SigninRecord).where(
            SigninRecord.member_id == member_id, SigninRecord.signin_date > record.signin_date)
            .order_by(SigninRecord.signin_date)):
        later.streak = streak_after(previous, later.signin_date, settings)
        later.cycle_day = settings.cycle_day(later.streak)
        previous = later


def _grant_milestones(session: Session, member_id: int, day: date,
                      settings: SigninSettings) -> list[MilestoneReward]:
    from runtime.modules.points.service import credit

    if not settings.milestones:
        return []
    first, last = month_bounds(day)
    month = first.strftime("%Y-%m")
    count = session.scalar(select(func.count()).select_from(SigninRecord).where(
        SigninRecord.member_id == member_id, SigninRecord.signin_date >= first,
        SigninRecord.signin_date <= last)) or 0
    granted = set(session.scalars(select(MilestoneGrant.days).where(
        MilestoneGrant.member_id == member_id, MilestoneGrant.month == month)))
    out: list[MilestoneReward] = []
    for days, points in settings.milestones:
        if days > count or days in granted:
            continue
        session.add(MilestoneGrant(member_id=member_id, month=month, days=days, points=points))
        if points > 0:
            credit(session, member_id, points, reason="signin_milestone",
                   key=f"signin-milestone-{member_id}-{month}-{days}", ref_type=REF,
                   ref_id=month, detail={"days": days})
        out.append(MilestoneReward(days, points))
    session.flush()
    return out


# --- what the app shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    date: date
    signed: bool
    makeup: bool
    points: int
    can_make_up: bool

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "signed": self.signed, "makeup": self.makeup,
                "points": self.points, "can_make_up": self.can_make_up}


@dataclass(frozen=True)
class Calendar:
    month: str
    today: date
    days: list[CalendarDay]
    signed_today: bool
    streak: int
    today_points: int  # what signing in today pays (or paid)
    cycle: list[dict[str, int]]
    makeup: dict[str, Any]
    milestones: list[dict[str, Any]]
    month_days_signed: int

    def as_dict(self) -> dict[str, Any]:
        return {"month": self.month, "today": self.today.isoformat(),
                "days": [d.as_dict() for d in self.days], "signed_today": self.signed_today,
                "streak": self.streak, "today_points": self.today_points, "cycle": self.cycle,
                "makeup": self.makeup, "milestones": self.milestones,
                "month_days_signed": self.month_days_signed}


def current_streak(last: SigninRecord | None, today: date, settings: SigninSettings) -> int:
    """The streak shown today: the latest record's, unless a miss has already broken it."""
    if last is None:
        return 0
    if settings.reset_on_miss and last.signin_date < today - timedelta(days=1):
        return 0
    return last.streak


def calendar_for(session: Session, member_id: int | None,
                 settings: SigninSettings | None = None,
                 today: date | None = None) -> Calendar:
    """This month for a member (or an empty one for a guest): days signed, the streak,
    today's reward, the cycle's rewards, make-ups left, milestones."""
    settings = settings or signin_settings(session)
    zone = shop_zone(session)
    today = today or local_today(zone)
    first, last_day = month_bounds(today)
    records: dict[date, SigninRecord] = {}
    last = None
    joined = first
    grants: set[int] = set()
    if member_id is not None:
        records = {r.signin_date: r for r in session.scalars(select(SigninRecord).where(
            SigninRecord.member_id == member_id, SigninRecord.signin_date >= first,
            SigninRecord.signin_date <= last_day))}
        last = session.scalar(select(SigninRecord).where(SigninRecord.member_id == member_id,
                                                         SigninRecord.signin_date <= today)
                              .order_by(SigninRecord.signin_date.desc()).limit(1))
        joined = _member_joined(session, member_id, zone)
        grants = set(session.scalars(select(MilestoneGrant.days).where(
            MilestoneGrant.member_id == member_id,
            MilestoneGrant.month == first.strftime("%Y-%m"))))
    used = sum(1 for r in records.values() if r.is_makeup)
    left = max(settings.makeup_max_per_month - used, 0) if settings.makeup_enabled else 0
    days = []
    for n in range(1, last_day.day + 1):
        d = first.replace(day=n)
        r = records.get(d)
        days.append(CalendarDay(d, r is not None, bool(r and r.is_makeup), r.points if r else 0,
                                member_id is not None and r is None and left > 0
                                and max(joined, first) <= d < today))
    signed_today = today in records
    if signed_today:
        streak, today_points = records[today].streak, records[today].points
    else:
        streak = current_streak(last, today, settings)
        before = last if last is not None and last.signin_date < today else None
        today_points = settings.points_for(streak_after(before, today, settings))
    cycle = [{"day": n, "points": settings.daily_points + settings.extra_for(n)}
             for n in range(1, settings.cycle_days + 1)]
    count = len(records)
    return Calendar(
        month=first.strftime("%Y-%m"), today=today, days=days, signed_today=signed_today,
        streak=streak, today_points=today_points, cycle=cycle,
        makeup={"enabled": settings.makeup_enabled, "cost_points": settings.makeup_cost_points,
                "max_per_month": settings.makeup_max_per_month, "left": left},
        milestones=[{"days": d, "points": p, "reached": count >= d, "granted": d in grants}
                    for d, p in settings.milestones],
        month_days_signed=count)


# --- console: records and stats -------------------------------------------------------------


@dataclass(frozen=True)
class DayStats:
    date: date
    signins: int
    makeups: int
    points: int


def records_page(session: Session, *, page: int = 1, per_page: int = 50,
                 day: date | None = None, member_id: int | None = None
                 ) -> tuple[list[SigninRecord], int]:
    query = select(SigninRecord)
    if day is not None:
        query = query.where(SigninRecord.signin_date == day)
    if member_id is not None:
        query = query.where(SigninRecord.member_id == member_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(SigninRecord.signin_date.desc(),
                                               SigninRecord.id.desc())
                                .offset((max(page, 1) - 1) * per_page).limit(per_page)))
    return rows, total


def daily_stats(session: Session, days: int = 30, today: date | None = None) -> list[DayStats]:
    """Sign-ins, make-ups and points paid per shop-local day, newest first."""
    today = today or local_today(shop_zone(session))
    since = today - timedelta(days=days - 1)
    rows = session.execute(
        select(SigninRecord.signin_date,
               func.count(SigninRecord.id),
               func.sum(case((SigninRecord.is_makeup.is_(True), 1), else_=0)),
               func.sum(SigninRecord.points))
        .where(SigninRecord.signin_date >= since, SigninRecord.signin_date <= today)
        .group_by(SigninRecord.signin_date))
    found = {d: DayStats(d, int(n), int(m or 0), int(p or 0)) for d, n, m, p in rows}
    return [found.get(today - timedelta(days=i), DayStats(today - timedelta(days=i), 0, 0, 0))
            for i in range(days)]


def totals(session: Session) -> dict[str, int]:
    signins, points = session.execute(select(func.count(SigninRecord.id),
                                             func.sum(SigninRecord.points))).one()
    members = session.scalar(select(func.count(SigninState.id)).where(
        SigninState.total_days > 0)) or 0
    milestone_points = session.scalar(select(func.sum(MilestoneGrant.points))) or 0
    return {"signins": int(signins or 0), "points": int(points or 0),
            "members": int(members), "milestone_points": int(milestone_points)}


def member_ids_to_remind(session: Session, now: datetime | None = None) -> list[int]:
    """Members who signed yesterday but not yet today (shop-local): their streak is at
    stake at midnight."""
    today = local_today(shop_zone(session), now)
    yesterday = today - timedelta(days=1)
    signed_today = select(SigninRecord.member_id).where(SigninRecord.signin_date == today)
    return list(session.scalars(select(SigninRecord.member_id).where(
        SigninRecord.signin_date == yesterday, SigninRecord.member_id.not_in(signed_today))
        .order_by(SigninRecord.member_id)))
