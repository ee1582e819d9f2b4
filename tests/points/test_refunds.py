"""Points around an order: earning on payment, deduction, proportional reversal on refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from runtime.modules.points import service
from runtime.modules.points.models import PointEntry


@pytest.fixture
def member(factory, shop):
    return factory.member(shop)


def test_points_for_paid_floor_whole_yuan_times_multiplier():
    assert service.points_for_paid(12_345, 1, Decimal("1")) == 123
    assert service.points_for_paid(12_345, 2, Decimal("1.5")) == 370
    assert service.points_for_paid(99, 1, Decimal("1")) == 0


def test_partial_refunds_reverse_proportionally_and_settle_exactly(shop_session, member, clock):
    service.credit(shop_session, member.id, 500, reason="gift", key="start")
    service.spend_for_order(shop_session, member.id, 77, 300, amount_fen=300)
    earned = service.earn_for_order(shop_session, member.id, 77, paid_fen=10_001)
    assert earned.entry.delta == 100
    assert service.balance_of(shop_session, member.id) == 300

    # refund 1/3 of 10 001 fen: 33 of 100 earned taken back, 99 of 300 spent given back
    first = service.reverse_for_refund(shop_session, member.id, 77, "r1", paid_fen=10_001,
                                       refunded_total_fen=3_334)
    assert first == service.RefundPoints(reversed=33, returned=100, shortfall=0)
    # a retried refund changes nothing and reports what it did
    again = service.reverse_for_refund(shop_session, member.id, 77, "r1", paid_fen=10_001,
                                       refunded_total_fen=3_334)
    assert again == first
    # the rest: everything is settled, rounding on the running total
    second = service.reverse_for_refund(shop_session, member.id, 77, "r2", paid_fen=10_001,
                                        refunded_total_fen=10_001)
    assert second == service.RefundPoints(reversed=67, returned=200, shortfall=0)
    shop_session.commit()
    assert service.balance_of(shop_session, member.id) == 500


def test_reversal_takes_what_is_left_and_records_the_shortfall(shop_session, member, clock):
    service.earn_for_order(shop_session, member.id, 5, paid_fen=10_000)
    service.debit(shop_session, member.id, 80, reason="spend", key="spent-it")
    result = service.reverse_for_refund(shop_session, member.id, 5, "r", paid_fen=10_000,
                                        refunded_total_fen=10_000)
    shop_session.commit()
    assert result == service.RefundPoints(reversed=20, returned=0, shortfall=80)
    assert service.balance_of(shop_session, member.id) == 0
    row = shop_session.scalar(select(PointEntry).where(PointEntry.kind == "reverse"))
    assert row.detail["shortfall"] == 80


def test_refund_without_points_is_remembered(shop_session, member, clock):
    result = service.reverse_for_refund(shop_session, member.id, 9, "r", paid_fen=1000,
                                        refunded_total_fen=500)
    assert result == service.RefundPoints(0, 0, 0)
    assert service.reverse_for_refund(shop_session, member.id, 9, "r", paid_fen=1000,
                                      refunded_total_fen=500) == result


def test_unpaid_order_closed_gives_deducted_points_back(shop_session, member, clock):
    service.credit(shop_session, member.id, 200, reason="gift", key="start")
    service.spend_for_order(shop_session, member.id, 8, 150, amount_fen=150)
    assert service.balance_of(shop_session, member.id) == 50
    released = service.release_for_order(shop_session, member.id, 8)
    assert released.entry.delta == 150
    assert service.release_for_order(shop_session, member.id, 8).applied is False
    assert service.release_for_order(shop_session, member.id, 9) is None
    assert service.balance_of(shop_session, member.id) == 200


def test_deduction_offer_reflects_settings_and_balance(shop_session, member, clock):
    service.credit(shop_session, member.id, 250, reason="gift", key="start")
    offer = service.deduction_offer(shop_session, member.id)
    assert offer == service.DeductionOffer(balance=250, points_per_yuan=100, max_percent=50,
                                           enabled=True)
