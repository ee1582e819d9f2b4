"""Stored value: top-up bonus tiers, paying and refunding in proportion, paying out unused
principal only, the reconciliation that catches a tampered balance."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from runtime.errors import Conflict, ValidationFailed
from runtime.modules.wallet import service
from runtime.modules.wallet.errors import InsufficientBalance
from runtime.modules.wallet.models import Payout, TopUp, WalletEntry
from runtime.modules.wallet.settings import Tier, WalletSettings


@pytest.fixture
def member(factory, shop):
    return factory.member(shop)


def _paid_topup(session, member_id, amount_fen, txn="4200000001"):
    topup = service.create_topup(session, member_id, amount_fen)
    return service.confirm_topup(session, topup.out_trade_no, paid_fen=amount_fen,
                                 transaction_id=txn)


def test_bonus_is_the_highest_tier_reached():
    settings = WalletSettings.from_dict({"topup_tiers": [Tier(10000, 1000), Tier(30000, 4000)]})
    assert [settings.bonus_for(a) for a in (9999, 10000, 29999, 30000, 99900)] == \
        [0, 1000, 1000, 4000, 4000]


def test_topup_credits_principal_and_bonus_once(shop_session, member, clock):
    topup = service.create_topup(shop_session, member.id, 10000)
    assert (topup.status, topup.bonus_fen) == ("pending", 1000)
    assert service.balance_of(shop_session, member.id).balance_fen == 0
    service.confirm_topup(shop_session, topup.out_trade_no, paid_fen=10000, transaction_id="t1")
    service.confirm_topup(shop_session, topup.out_trade_no, paid_fen=10000, transaction_id="t1")
    shop_session.commit()
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(10000, 1000)
    assert shop_session.scalar(select(TopUp.status)) == "paid"
    assert len(shop_session.scalars(select(WalletEntry)).all()) == 1


def test_topup_amount_rules(shop_session, member, factory, shop, clock):
    with pytest.raises(ValidationFailed) as info:
        service.create_topup(shop_session, member.id, 50)
    assert info.value.errors[0].pointer == "/amount_fen"
    with pytest.raises(ValidationFailed):
        service.create_topup(shop_session, member.id, "100")
    topup = service.create_topup(shop_session, member.id, 10000)
    with pytest.raises(Conflict):
        service.confirm_topup(shop_session, topup.out_trade_no, paid_fen=9000,
                              transaction_id="t")


def test_paying_takes_principal_and_bonus_in_proportion(shop_session, member, clock):
    _paid_topup(shop_session, member.id, 10000)  # 100 + 10 bonus
    charge = service.pay_for_order(shop_session, member.id, 1, 5500)
    assert (charge.principal_fen, charge.bonus_fen) == (5000, 500)
    again = service.pay_for_order(shop_session, member.id, 1, 5500)
    assert not again.applied and again.entry.id == charge.entry.id
    with pytest.raises(InsufficientBalance):
        service.pay_for_order(shop_session, member.id, 2, 5501)
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(5000, 500)


def test_refund_to_balance_restores_the_parts_it_took(shop_session, member, clock):
    _paid_topup(shop_session, member.id, 10000)
    service.pay_for_order(shop_session, member.id, 7, 3300)  # 3000 principal + 300 bonus
    first = service.refund_to_balance(shop_session, member.id, 7, "r1", 1000)
    assert (first.principal_delta_fen, first.bonus_delta_fen) == (910, 90)
    with pytest.raises(Conflict) as info:
        service.refund_to_balance(shop_session, member.id, 7, "r2", 2301)
    assert info.value.extra["refundable_fen"] == 2300
    rest = service.refund_to_balance(shop_session, member.id, 7, "r2", 2300)
    assert (rest.principal_delta_fen, rest.bonus_delta_fen) == (2090, 210)
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(10000, 1000)
    with pytest.raises(Conflict):
        service.refund_to_balance(shop_session, member.id, 8, "r1", 100)


def test_payout_refunds_unused_principal_only(shop_session, member, clock):
    _paid_topup(shop_session, member.id, 10000, "t-old")  # 100 + 10
    clock.advance(__import__("datetime").timedelta(days=1))
    _paid_topup(shop_session, member.id, 5000, "t-new")  # 50 + 0 (below the first tier)
    service.pay_for_order(shop_session, member.id, 3, 8000)  # of 150 + 10
    balance = service.balance_of(shop_session, member.id)
    assert balance == service.WalletBalance(7500, 500)

    plan = service.refund_unused_principal(shop_session, member.id, key="cash-out-1")
    shop_session.commit()
    assert plan.forfeited_bonus_fen == 500 and plan.kept_principal_fen == 0
    assert [(p.amount_fen, p.status) for p in plan.payouts] == [(5000, "pending"),
                                                                (2500, "pending")]
    topups = {t.transaction_id: t.refunded_fen for t in shop_session.scalars(select(TopUp))}
    assert topups == {"t-new": 5000, "t-old": 2500}
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(0, 0)
    entry = plan.entry
    assert (entry.kind, entry.principal_delta_fen, entry.bonus_delta_fen) == \
        ("payout", -7500, -500)
    # a retry returns the same plan; a new request finds nothing refundable
    assert service.refund_unused_principal(shop_session, member.id,
                                           key="cash-out-1").entry.id == entry.id
    with pytest.raises(Conflict):
        service.refund_unused_principal(shop_session, member.id, key="cash-out-2")


def test_manually_added_principal_is_not_paid_out(shop_session, member, clock):
    _paid_topup(shop_session, member.id, 5000)
    service.adjust(shop_session, member.id, principal_delta_fen=2000, key="counter-cash")
    plan = service.refund_unused_principal(shop_session, member.id, key="out")
    assert [p.amount_fen for p in plan.payouts] == [5000]
    assert plan.kept_principal_fen == 2000
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(2000, 0)


def test_failed_payout_returns_principal(shop_session, member, clock):
    _paid_topup(shop_session, member.id, 5000)
    plan = service.refund_unused_principal(shop_session, member.id, key="out")
    service.payout_failed(shop_session, plan.payouts[0], "NOTENOUGH")
    service.payout_failed(shop_session, plan.payouts[0], "NOTENOUGH")
    assert service.balance_of(shop_session, member.id) == service.WalletBalance(5000, 0)
    assert shop_session.scalar(select(TopUp.refunded_fen)) == 0
    assert shop_session.scalar(select(Payout.status)) == "failed"


def test_reconciliation_detects_a_tampered_balance(shop_session, factory, shop, member, clock):
    other = factory.member(shop)
    _paid_topup(shop_session, member.id, 10000, "a")
    _paid_topup(shop_session, other.id, 5000, "b")
    service.pay_for_order(shop_session, other.id, 4, 1200)
    shop_session.commit()
    clean = service.reconcile(shop_session)
    assert (clean.ok, clean.accounts_checked, clean.differences) == (True, 2, [])

    shop_session.execute(text("UPDATE wallet_accounts SET principal_fen = principal_fen + 99999 "
                              "WHERE member_id = :m"), {"m": member.id})
    shop_session.commit()
    shop_session.expire_all()
    run = service.reconcile(shop_session)
    assert not run.ok
    assert run.differences == [{
        "member_id": member.id,
        "account": {"principal_fen": 109999, "bonus_fen": 1000},
        "ledger": {"principal_fen": 10000, "bonus_fen": 1000},
        "last_entry": {"principal_fen": 10000, "bonus_fen": 1000}}]
