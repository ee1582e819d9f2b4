"""Points subscribes to the order hooks; each implementation is idempotent by order (a retried
job or a second sweeper changes nothing) and skipped where it has nothing to do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runtime.modules.loader import hooks
from runtime.modules.points import service as points
from runtime.modules.points.errors import InsufficientPoints


def _order(member, order_id, used=0, paid_fen=0, paid_at=None):
    return SimpleNamespace(id=order_id, member_id=member.id, points_used=used,
                           points_deduction_fen=used, paid_fen=paid_fen, paid_at=paid_at)


def test_created_then_closed_takes_and_gives_back_once(shop_session, factory, shop, clock):
    member = factory.member(shop)
    points.credit(shop_session, member.id, 500, reason="gift", key="gift")
    relay = hooks(shop_session)
    order = _order(member, 41, used=300)
    for _ in range(2):
        relay.order_created(session=shop_session, order=order, lines=[], submission=None)
    assert points.balance_of(shop_session, member.id) == 200
    for _ in range(2):
        relay.order_closed(session=shop_session, order=order)
    assert points.balance_of(shop_session, member.id) == 500
    with pytest.raises(InsufficientPoints):  # the ledger refuses the order
        relay.order_created(session=shop_session, order=_order(member, 42, used=501),
                            lines=[], submission=None)


def test_paid_earns_once_and_cash_on_delivery_waits(shop_session, factory, shop, clock):
    member = factory.member(shop)
    relay = hooks(shop_session)
    relay.order_paid(session=shop_session, order=_order(member, 7), lines=[])  # COD: unpaid
    assert points.balance_of(shop_session, member.id) == 0
    paid = _order(member, 7, paid_fen=12_345, paid_at=clock.now())
    for _ in range(2):
        relay.order_paid(session=shop_session, order=paid, lines=[])
    assert points.balance_of(shop_session, member.id) == 123
