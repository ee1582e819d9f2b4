"""Withdrawals: to the balance at once, to a bank account through the audit (reject returns
the money, paid moves it to withdrawn), limits as 422 at /amount_fen with nothing frozen,
idempotent by number, two requests racing for one balance, no withdrawal while frozen."""

from __future__ import annotations

from runtime.modules.distribution import withdrawals
from runtime.modules.distribution.models import Withdrawal
from runtime.modules.wallet.service import balance_of
from tests.concurrency import run_in_threads
from tests.distribution.flow import balances, earned, in_shop, read, reconciled

BANK = {"name": "李雷", "bank": "招商银行", "card_no": "6225880000000000"}


def withdraw(person, expect=201, **body):
    return person.call("POST", "/distribution/withdrawals", body, expect).json


def test_to_the_balance_at_once_with_the_fee(app, client, factory, shop, clock, redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, withdraw_fee_rate=1.5)
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    done = withdraw(b, amount_fen=999, method="wallet", no="WD-test-0001")
    assert (done["status"], done["fee_fen"], done["net_fen"]) == ("paid", 14, 985)
    assert balances(factory, shop, b.member.id) == (0, 1, 0, 999)
    assert read(factory, shop, lambda s: balance_of(s, b.member.id).balance_fen) == 985
    again = withdraw(b, amount_fen=999, method="wallet", no="WD-test-0001")
    assert again["id"] == done["id"]  # the same number: the same withdrawal
    assert balances(factory, shop, b.member.id) == (0, 1, 0, 999)
    assert reconciled(factory, shop)


def test_bank_through_the_audit(app, client, factory, shop, clock, redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn)
    first = withdraw(b, amount_fen=600, method="bank", account=BANK)
    assert first["status"] == "auditing"
    assert balances(factory, shop, b.member.id) == (0, 400, 600, 0)
    in_shop(app, factory, shop, withdrawals.reject, first["id"], "账户信息有误")
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    second = withdraw(b, amount_fen=1000, method="bank", account=BANK)
    in_shop(app, factory, shop, withdrawals.approve, second["id"])
    in_shop(app, factory, shop, withdrawals.mark_paid, second["id"])
    assert b.call("GET", f"/distribution/withdrawals/{second['id']}").json["status"] == "paid"
    assert balances(factory, shop, b.member.id) == (0, 0, 0, 1000)
    assert reconciled(factory, shop)


def test_limits_answer_at_amount_and_freeze_nothing(app, client, factory, shop, clock,
                                                    redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, withdraw_min_fen=200,
                     withdraw_daily_limit_fen=700)
    for amount, code in ((199, "below_minimum"), (1001, "above_available"),
                         (800, "above_daily_limit")):
        problem = withdraw(b, 422, amount_fen=amount, method="wallet")
        assert problem["errors"][0]["pointer"] == "/amount_fen"
        assert problem["errors"][0]["code"] == code
    assert withdraw(b, 422, amount_fen="12", method="wallet")["errors"][0]["pointer"] \
        == "/amount_fen"
    assert withdraw(b, 422, amount_fen=300, method="cash")["errors"][0]["pointer"] == "/method"
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    assert read(factory, shop, lambda s: s.query(Withdrawal).count()) == 0


def test_two_withdrawals_racing_for_one_balance(app, client, factory, shop, clock,
                                                redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn)

    def work(session, i):
        return withdrawals.apply(session, b.member.id, {"amount_fen": 1000, "method": "bank",
                                                        "account": BANK}).no

    outcomes = run_in_threads(app, shop.id, work, 2)
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes
    assert balances(factory, shop, b.member.id) == (0, 0, 1000, 0)
    assert reconciled(factory, shop)


def test_a_frozen_distributor_cannot_withdraw(app, client, factory, shop, clock, redis_conn):
    from runtime.modules.distribution import service

    _, b, _ = earned(app, client, factory, shop, clock, redis_conn)
    in_shop(app, factory, shop, service.set_status, b.member.id, "frozen")
    assert withdraw(b, 409, amount_fen=500, method="wallet")["code"] == "distributor_not_active"
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
