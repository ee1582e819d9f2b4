"""Points expiry: lots whose ``expires_at`` has passed lose what is left of them, and members
are told ahead (a notice per member and expiry date, ``expiry_notice_days`` before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.members.notices import notify
from runtime.modules.points import locks
from runtime.modules.points.models import EntryKind, PointEntry
from runtime.modules.points.service import _write
from runtime.modules.points.settings import points_settings
from runtime.shoptime import shop_zone

BATCH = 200


@dataclass(frozen=True)
class ExpiryRun:
    members: int
    points: int


def expire_due(session: Session, now: datetime | None = None) -> ExpiryRun:
    """Expire every due lot of the current shop: one ``expire`` entry per lot (key
    ``expire-<lot>``), so a rerun or an overlapping run changes nothing twice."""
    now = now or utcnow()
    members = points = 0
    while True:
        member_ids = list(session.scalars(
            select(PointEntry.member_id).where(PointEntry.remaining > 0,
                                               PointEntry.expires_at <= now)
            .group_by(PointEntry.member_id).order_by(PointEntry.member_id).limit(BATCH)))
        if not member_ids:
            return ExpiryRun(members, points)
        accounts = {a.member_id: a for a in locks.accounts_for_update(session, member_ids)}
        lots = session.scalars(
            select(PointEntry).where(PointEntry.member_id.in_(member_ids),
                                     PointEntry.remaining > 0, PointEntry.expires_at <= now)
            .order_by(PointEntry.member_id, PointEntry.id))
        touched: set[int] = set()
        for lot in lots:
            account = accounts[lot.member_id]
            amount = lot.remaining
            lot.remaining = 0
            account.expired_total += amount
            _write(session, account, -amount, kind=EntryKind.EXPIRE, reason="expired",
                   key=f"expire-{lot.id}", ref_type="point_lot", ref_id=str(lot.id),
                   detail={"lot_expires_at": lot.expires_at.isoformat()})
            points += amount
            touched.add(lot.member_id)
        members += len(touched)
        session.flush()


def notify_expiring(session: Session, now: datetime | None = None) -> int:
    """A notice to each member with points expiring within the shop's notice period; one per
    member and expiry date (dedupe key), so the job may run as often as it likes."""
    now = now or utcnow()
    settings = points_settings(session)
    if settings.expiry_policy == "never":
        return 0
    zone = shop_zone(session)
    horizon = now + timedelta(days=settings.expiry_notice_days)
    rows = session.execute(
        select(PointEntry.member_id, PointEntry.expires_at, func.sum(PointEntry.remaining))
        .where(PointEntry.remaining > 0, PointEntry.expires_at > now,
               PointEntry.expires_at <= horizon)
        .group_by(PointEntry.member_id, PointEntry.expires_at)
        .order_by(PointEntry.member_id, PointEntry.expires_at))
    by_member_day: dict[tuple[int, str], int] = {}
    for member_id, expires_at, total in rows:
        last_day = (expires_at.astimezone(zone) - timedelta(microseconds=1)).date().isoformat()
        by_member_day[(member_id, last_day)] = by_member_day.get((member_id, last_day), 0) \
            + int(total)
    created = 0
    for (member_id, last_day), total in by_member_day.items():
        if notify(session, member_id, kind="points_expiring",
                  title="积分即将过期",
                  body=f"您有 {total} 积分将于 {last_day} 24:00 过期，请尽快使用。",
                  data={"points": total, "last_day": last_day},
                  dedupe_key=f"points-expiring-{member_id}-{last_day}"):
            created += 1
    return created
