"""Twenty sign-ins of one member at the same moment, each on its own session and thread:
one record, one credit, nineteen "already signed in"."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.modules.points.models import PointEntry
from runtime.modules.signin import service
from runtime.modules.signin.models import SigninRecord
from runtime.modules.signin.service import AlreadySignedIn

THREADS = 20


def test_twenty_concurrent_signins_credit_once(app, factory, shop, session, clock):
    member = factory.member(shop)
    clock.freeze(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    make_session = app.extensions["mallkit"].session_factory
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = [None] * THREADS

    def run(i: int) -> None:
        s = make_session()
        use_shop(s, shop.id)
        try:
            barrier.wait()
            outcomes[i] = service.sign_in(s, member.id)
            s.commit()
        except Exception as exc:
            s.rollback()
            outcomes[i] = exc
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    ok = [o for o in outcomes if isinstance(o, service.SigninResult)]
    refused = [o for o in outcomes if isinstance(o, AlreadySignedIn)]
    assert (len(ok), len(refused)) == (1, THREADS - 1), outcomes
    use_shop(session, shop.id)
    assert session.scalar(select(func.count()).select_from(SigninRecord)) == 1
    credits = session.scalars(select(PointEntry.delta).where(PointEntry.reason == "signin")).all()
    assert credits == [5]
