"""Twenty sign-ins of one member at the same moment, each on its own session and thread:
one record, one credit, nineteen "already signed in"."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.points.models import PointEntry
from runtime.modules.signin import service
from runtime.modules.signin.models import SigninRecord
from runtime.modules.signin.service import AlreadySignedIn
from tests.concurrency import run_in_threads

THREADS = 20


def test_twenty_concurrent_signins_credit_once(app, factory, shop, session, clock):
    member = factory.member(shop)
    clock.freeze(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    outcomes = run_in_threads(app, shop.id, lambda s, _i: service.sign_in(s, member.id),
                              THREADS)

    ok = [o for o in outcomes if isinstance(o, service.SigninResult)]
    refused = [o for o in outcomes if isinstance(o, AlreadySignedIn)]
    assert (len(ok), len(refused)) == (1, THREADS - 1), outcomes
    use_shop(session, shop.id)
    assert session.scalar(select(func.count()).select_from(SigninRecord)) == 1
    credits = session.scalars(select(PointEntry.delta).where(PointEntry.reason == "signin")).all()
    assert credits == [5]
