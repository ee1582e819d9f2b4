"""The points ledger: credits and debits, idempotency keys, lots, never below zero."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from runtime.modules.points import service
from runtime.modules.points.errors import InsufficientPoints, KeyReused
from runtime.modules.points.models import PointAccount, PointEntry


@pytest.fixture
def member(factory, shop):
    return factory.member(shop)


def _entries(session, member_id):
    return list(session.scalars(select(PointEntry).where(PointEntry.member_id == member_id)
                                .order_by(PointEntry.id)))


def test_credit_then_debit_moves_balance_and_writes_ledger(shop_session, member, clock):
    service.credit(shop_session, member.id, 120, reason="gift", key="k1")
    result = service.debit(shop_session, member.id, 50, reason="order_deduction", key="k2")
    shop_session.commit()
    assert result.applied
    assert service.balance_of(shop_session, member.id) == 70
    rows = [(e.kind, e.delta, e.balance_after, e.remaining) for e in
            _entries(shop_session, member.id)]
    assert rows == [("earn", 120, 120, 70), ("spend", -50, 70, 0)]
    account = service.get_account(shop_session, member.id)
    assert (account.earned_total, account.spent_total) == (120, 50)


def test_same_key_applies_once(shop_session, member, clock):
    first = service.credit(shop_session, member.id, 10, reason="gift", key="same")
    second = service.credit(shop_session, member.id, 10, reason="gift", key="same")
    shop_session.commit()
    assert first.applied and not second.applied
    assert second.entry.id == first.entry.id
    assert service.balance_of(shop_session, member.id) == 10


def test_key_of_another_member_is_refused(shop_session, factory, shop, member, clock):
    other = factory.member(shop)
    service.credit(shop_session, member.id, 10, reason="gift", key="mine")
    with pytest.raises(KeyReused):
        service.credit(shop_session, other.id, 10, reason="gift", key="mine")


def test_debit_beyond_balance_is_refused_and_changes_nothing(shop_session, member, clock):
    service.credit(shop_session, member.id, 30, reason="gift", key="k1")
    shop_session.commit()
    with pytest.raises(InsufficientPoints) as info:
        service.debit(shop_session, member.id, 31, reason="order_deduction", key="k2")
    shop_session.rollback()
    assert info.value.to_problem()["balance"] == 30
    assert service.balance_of(shop_session, member.id) == 30
    assert len(_entries(shop_session, member.id)) == 1


def test_debits_consume_the_soonest_expiring_lot_first(shop_session, member, clock):
    late = datetime(2028, 1, 1, tzinfo=UTC)
    soon = datetime(2027, 1, 1, tzinfo=UTC)
    a = service.credit(shop_session, member.id, 40, reason="gift", key="late", expires_at=late)
    b = service.credit(shop_session, member.id, 30, reason="gift", key="soon", expires_at=soon)
    c = service.credit(shop_session, member.id, 20, reason="gift", key="never", expires_at=None)
    spend = service.debit(shop_session, member.id, 50, reason="x", key="spend")
    shop_session.commit()
    assert (a.entry.remaining, b.entry.remaining, c.entry.remaining) == (20, 0, 20)
    assert spend.entry.detail["lots"] == {str(b.entry.id): 30, str(a.entry.id): 20}


def test_adjust_needs_a_non_zero_delta(shop_session, member, clock):
    from runtime.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        service.adjust(shop_session, member.id, 0, key="adj")


def test_balance_equals_ledger_sum_and_open_lots(shop_session, member, clock):
    for i, points in enumerate([10, 25, 7]):
        service.credit(shop_session, member.id, points, reason="gift", key=f"c{i}")
    service.debit(shop_session, member.id, 30, reason="x", key="d1")
    shop_session.commit()
    ledger = shop_session.scalar(select(func.sum(PointEntry.delta))
                                 .where(PointEntry.member_id == member.id))
    lots = shop_session.scalar(select(func.sum(PointEntry.remaining))
                               .where(PointEntry.member_id == member.id))
    balance = shop_session.scalar(select(PointAccount.balance)
                                  .where(PointAccount.member_id == member.id))
    assert ledger == lots == balance == 12
