"""Points expire at the end of the year after they were earned (shop-local), members are
told ahead, and spent points are never expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from runtime.modules.members.models import Notice
from runtime.modules.points import expiry, service
from runtime.modules.points.models import PointEntry
from runtime.modules.points.settings import PointsSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_end_of_next_year_policy_is_shop_local():
    settings = PointsSettings.from_dict({"expiry_policy": "end_of_next_year"})
    # 2026-12-31 20:00 UTC is already 2027-01-01 04:00 in Shanghai: a 2027 point.
    earned = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    assert settings.lot_expiry(earned, SHANGHAI) == datetime(2029, 1, 1, tzinfo=SHANGHAI)
    assert settings.lot_expiry(datetime(2026, 3, 1, tzinfo=UTC), SHANGHAI) == \
        datetime(2028, 1, 1, tzinfo=SHANGHAI)
    assert PointsSettings.from_dict({"expiry_policy": "never"}).lot_expiry(earned, SHANGHAI) is None
    ten_days = PointsSettings.from_dict({"expiry_policy": "days", "expiry_days": 10})
    assert ten_days.lot_expiry(earned, SHANGHAI) == earned + timedelta(days=10)


def test_leftover_points_expire_at_the_end_of_next_year(shop_session, factory, shop, clock):
    member = factory.member(shop)
    clock.freeze(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    service.credit(shop_session, member.id, 100, reason="gift", key="old")
    clock.freeze(datetime(2027, 6, 1, 2, 0, tzinfo=UTC))
    service.credit(shop_session, member.id, 40, reason="gift", key="new")
    service.debit(shop_session, member.id, 30, reason="spend", key="spend")  # from the 2026 lot
    shop_session.commit()

    # 2027-12-31 23:59 in Shanghai: not yet.
    clock.freeze(datetime(2027, 12, 31, 15, 59, tzinfo=UTC))
    assert expiry.expire_due(shop_session) == expiry.ExpiryRun(0, 0)
    # 2028-01-01 00:00 in Shanghai: the 70 left of the 2026 lot go; the 2027 lot stays.
    clock.freeze(datetime(2027, 12, 31, 16, 0, tzinfo=UTC))
    run = expiry.expire_due(shop_session)
    shop_session.commit()
    assert run == expiry.ExpiryRun(1, 70)
    assert service.balance_of(shop_session, member.id) == 40
    assert service.get_account(shop_session, member.id).expired_total == 70
    expired = shop_session.scalars(select(PointEntry).where(PointEntry.kind == "expire")).all()
    assert [(e.delta, e.balance_after) for e in expired] == [(-70, 40)]
    # running again changes nothing
    assert expiry.expire_due(shop_session) == expiry.ExpiryRun(0, 0)


def test_members_are_told_ahead_once(shop_session, factory, shop, clock):
    member = factory.member(shop)
    quiet = factory.member(shop)
    clock.freeze(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    service.credit(shop_session, member.id, 100, reason="gift", key="a")
    service.credit(shop_session, member.id, 5, reason="gift", key="b")
    service.credit(shop_session, quiet.id, 10, reason="gift", key="c")
    service.debit(shop_session, quiet.id, 10, reason="spend", key="d")
    shop_session.commit()

    clock.freeze(datetime(2027, 11, 30, 0, 0, tzinfo=UTC))  # 32 days before: too early
    assert expiry.notify_expiring(shop_session) == 0
    clock.freeze(datetime(2027, 12, 2, 0, 0, tzinfo=UTC))  # within 30 days
    assert expiry.notify_expiring(shop_session) == 1
    assert expiry.notify_expiring(shop_session) == 0
    shop_session.commit()
    notice = shop_session.scalars(select(Notice)).one()
    assert notice.member_id == member.id
    assert notice.data == {"points": 105, "last_day": "2027-12-31"}
    assert "105 积分将于 2027-12-31 24:00 过期" in notice.body
