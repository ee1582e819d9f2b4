"""The periodic jobs of members, points, wallet and sign-in, run per shop (one of them on a
real worker): birthday gifts, segments, expiry, reminders, reconciliation."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from runtime import jobs
from runtime.db import use_shop
from runtime.modules.members import jobs as member_jobs
from runtime.modules.members.models import Member, Notice
from runtime.modules.points import jobs as point_jobs
from runtime.modules.points import service as points
from runtime.modules.signin import jobs as signin_jobs
from runtime.modules.signin import service as signin
from runtime.modules.wallet import jobs as wallet_jobs

SH = ZoneInfo("Asia/Shanghai")


def read(app, shop, fn):
    """Read in a short session of its own (SQLite: no transaction left open for the jobs)."""
    with app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        return fn(s)


def test_birthday_gift_once_a_year_on_the_shop_local_day(app, factory, shop, session, clock):
    factory.level(shop, "金卡", 1, 0, birthday_gift_points=88)
    born = factory.member(shop, birthday=date(1990, 11, 26))
    leap = factory.member(shop, birthday=date(1992, 2, 29))
    other = factory.member(shop, birthday=date(1990, 11, 27))
    use_shop(session, shop.id)
    from runtime.modules.members.levels import recompute_all_levels

    recompute_all_levels(session, reason="test")
    session.commit()
    clock.freeze(datetime(2026, 11, 25, 23, 30, tzinfo=SH))
    with app.app_context():
        assert point_jobs.birthday_gifts_job() == {shop.id: 0}
    clock.freeze(datetime(2026, 11, 26, 0, 30, tzinfo=SH))  # still the 25th in UTC
    with app.app_context():
        assert point_jobs.birthday_gifts_job() == {shop.id: 1}
        assert point_jobs.birthday_gifts_job() == {shop.id: 0}
    assert read(app, shop, lambda s: (points.balance_of(s, born.id),
                                      points.balance_of(s, other.id))) == (88, 0)
    clock.freeze(datetime(2027, 2, 28, 9, 0, tzinfo=SH))
    with app.app_context():
        assert point_jobs.birthday_gifts_job() == {shop.id: 1}
    assert read(app, shop, lambda s: points.balance_of(s, leap.id)) == 88


def test_jobs_run_per_shop(app, factory, shop, session, clock):
    beta = factory.shop(slug="beta")
    a, b = factory.member(shop), factory.member(beta)
    for s, m in ((shop, a), (beta, b)):
        use_shop(session, s.id)
        points.credit(session, m.id, 10, reason="gift", key=f"g-{m.id}",
                      expires_at=datetime(2026, 11, 1, tzinfo=SH))
        session.commit()
    with app.app_context():
        expired = point_jobs.expire_job()
        segments = member_jobs.recompute_segments_job()
        reconciled = wallet_jobs.reconcile_job()
    assert {k: (v.members, v.points) for k, v in expired.items()} == {shop.id: (1, 10),
                                                                      beta.id: (1, 10)}
    assert set(segments) == {shop.id, beta.id}
    assert reconciled == {shop.id: True, beta.id: True}


def test_signin_reminder_after_the_hour_once(app, factory, shop, session, clock):
    factory.module_on(shop, "signin", {"remind_enabled": True, "remind_hour": 20})
    clock.freeze(datetime(2026, 11, 24, 9, 0, tzinfo=SH))
    keen, done = factory.member(shop), factory.member(shop)
    use_shop(session, shop.id)
    signin.sign_in(session, keen.id)
    signin.sign_in(session, done.id)
    clock.freeze(datetime(2026, 11, 25, 9, 0, tzinfo=SH))
    signin.sign_in(session, done.id)
    session.commit()
    clock.freeze(datetime(2026, 11, 25, 19, 59, tzinfo=SH))
    with app.app_context():
        assert signin_jobs.reminders_job() == {shop.id: 0}
    clock.freeze(datetime(2026, 11, 25, 20, 0, tzinfo=SH))
    with app.app_context():
        assert signin_jobs.reminders_job() == {shop.id: 1}
        assert signin_jobs.reminders_job() == {shop.id: 0}
    notice = read(app, shop, lambda s: s.scalars(select(Notice)).one())
    assert (notice.member_id, notice.kind) == (keen.id, "signin_reminder")


def test_segments_job_on_a_real_worker(app, factory, shop, session, redis_conn, worker_env,
                                       clock):
    member = factory.member(shop)
    use_shop(session, shop.id)
    from runtime.modules.members.purchases import PaidOrder, record_purchase

    record_purchase(session, PaidOrder(member.id, 1, 100, datetime(2026, 1, 1, tzinfo=SH)))
    session.commit()
    jobs.enqueue(redis_conn, member_jobs.recompute_segments_job, jid="segments-now")
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert read(app, shop, lambda s: s.get(Member, member.id).lifecycle_stage) == "lost"
