"""Withdrawals to WeChat change by merchant transfer, through the local WeChat Pay simulator:
approved -> the bill is sent -> WeChat's signed MCHTRANSFER.BILL.FINISHED pays or returns it
once; a tampered callback changes nothing; a lost bill is sent again by the sweeper under
the same number; limits answer 422 at /amount_fen with nothing frozen; two withdrawals
racing for one balance give one."""

from __future__ import annotations

import json
from datetime import timedelta

from runtime.modules.distribution import transfers, withdrawals
from runtime.modules.distribution.models import Withdrawal
from runtime.modules.members.models import Member
from runtime.modules.payments import transfers as payments
from runtime.wechat.pay.objects import TransferBill
from runtime.wechat.pay.simulator import WechatPaySimulator
from runtime.wechat.pay.transfer_simulator import TransferSimulator
from runtime.wechat.transport import AppTransport, HttpRequest
from tests.concurrency import run_in_threads
from tests.distribution.flow import balances, drain, earned, in_shop, read, reconciled

WECHAT = {"withdraw_to_wechat": True}


def withdraw(person, expect=201, **body):
    return person.call("POST", "/distribution/withdrawals", body, expect).json


def row(factory, shop, withdrawal_id: int) -> tuple[str, str, str]:
    def get(s):
        w = s.get(Withdrawal, withdrawal_id)
        return (w.status, w.transfer_state, w.transfer_bill_no)
    return read(factory, shop, get)


def sim(app) -> TransferSimulator:
    with app.app_context():
        return TransferSimulator(WechatPaySimulator.for_app(app))


def mchid(app, factory, shop) -> str:
    return in_shop(app, factory, shop, lambda s: payments.client_for(s, shop.id).config.mchid)


def resend(app, merchant: str, out_bill_no: str) -> int:
    """WeChat sends the bill's notification (again): our endpoint's status."""
    with app.app_context():
        return sim(app).sim.deliver(sim(app).notification(merchant, out_bill_no),
                                    AppTransport(app)).status


def approved(app, client, factory, shop, clock, redis_conn, amount_fen=600, **settings):
    """B (1000 fen available) withdraws ``amount_fen`` to WeChat change; approved, and the
    transfer job sent the bill."""
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, **WECHAT, **settings)
    applied = withdraw(b, amount_fen=amount_fen, method="wechat")
    assert applied["status"] == "auditing"
    assert balances(factory, shop, b.member.id) == (0, 1000 - amount_fen, amount_fen, 0)
    in_shop(app, factory, shop, withdrawals.approve, applied["id"])
    drain(app, redis_conn)
    return b, applied


def failed_at_wechat(app, client, factory, shop, clock, redis_conn, reason: str = ""):
    """:func:`approved`, then WeChat fails the bill (its notification not yet sent)."""
    b, applied = approved(app, client, factory, shop, clock, redis_conn)
    merchant = mchid(app, factory, shop)
    with app.app_context():
        sim(app).complete(merchant, applied["no"], "FAIL", reason)
    return b, applied, merchant


def test_paid_through_the_simulator(app, client, factory, shop, clock, redis_conn):
    b, applied = approved(app, client, factory, shop, clock, redis_conn,
                          withdraw_fee_rate=1.5)
    status, state, bill_no = row(factory, shop, applied["id"])
    assert (status, state) == ("approved", "ACCEPTED") and bill_no
    merchant = mchid(app, factory, shop)
    bill = sim(app).bill(merchant, applied["no"])
    assert (bill["transfer_amount"], bill["openid"]) == (591, "o-b")  # net of the 1.5 % fee
    with app.app_context():
        delivery = sim(app).finish(merchant, applied["no"], AppTransport(app))
    assert delivery.status == 204
    assert row(factory, shop, applied["id"])[:2] == ("paid", "SUCCESS")
    assert balances(factory, shop, b.member.id) == (0, 400, 0, 600)
    assert resend(app, merchant, applied["no"]) == 204  # the same event: nothing moves again
    assert balances(factory, shop, b.member.id) == (0, 400, 0, 600)
    assert b.call("GET", f"/distribution/withdrawals/{applied['id']}").json["status"] == "paid"
    assert reconciled(factory, shop)


def test_a_tampered_transfer_callback_changes_nothing(app, client, factory, shop, clock,
                                                      redis_conn):
    b, applied, merchant = failed_at_wechat(app, client, factory, shop, clock, redis_conn)
    with app.app_context():
        genuine = sim(app).notification(merchant, applied["no"])
        envelope = json.loads(genuine.body)
        envelope["event_type"] = "MCHTRANSFER.BILL.FINISHED "
        forged_body = json.dumps(envelope, separators=(",", ":")).encode()
        forged_headers = {**genuine.headers, "Wechatpay-Signature":
                          genuine.headers["Wechatpay-Signature"][::-1]}
        transport = AppTransport(app)
        for headers, body in ((genuine.headers, forged_body), (forged_headers, genuine.body)):
            answer = transport(HttpRequest("POST", genuine.url, headers, body))
            assert answer.status == 401, answer.body
    assert row(factory, shop, applied["id"])[0] == "approved"
    assert balances(factory, shop, b.member.id) == (0, 400, 600, 0)
    assert resend(app, merchant, applied["no"]) == 204  # the genuine one applies
    assert row(factory, shop, applied["id"])[0] == "failed"
    assert reconciled(factory, shop)


def test_a_failed_transfer_returns_the_frozen_amount_once(app, client, factory, shop, clock,
                                                          redis_conn):
    b, applied, merchant = failed_at_wechat(app, client, factory, shop, clock, redis_conn,
                                            "ACCOUNT_FROZEN")
    assert resend(app, merchant, applied["no"]) == 204
    assert resend(app, merchant, applied["no"]) == 204  # WeChat's retry of the same event
    assert row(factory, shop, applied["id"])[:2] == ("failed", "FAIL")
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    bill = TransferBill(applied["no"], "x", "FAIL", 600, "ACCOUNT_FROZEN", {})
    assert in_shop(app, factory, shop, transfers.apply, applied["no"], bill) == "already failed"
    clock.advance(timedelta(minutes=10))
    assert in_shop(app, factory, shop, transfers.sweep_shop) == {}
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    assert "ACCOUNT_FROZEN" in b.call("GET", "/distribution/withdrawals").json["items"][0][
        "reason"]
    assert reconciled(factory, shop)


def test_a_lost_bill_is_sent_again_and_settled_by_the_sweeper(app, client, factory, shop,
                                                              clock, redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, **WECHAT)
    applied = withdraw(b, amount_fen=1000, method="wechat", no="WD-lost-0001")
    in_shop(app, factory, shop, withdrawals.approve, applied["id"])  # its job is not run
    clock.advance(timedelta(minutes=6))
    assert in_shop(app, factory, shop, transfers.sweep_shop) == {"WD-lost-0001": "accepted"}
    first = row(factory, shop, applied["id"])
    assert in_shop(app, factory, shop, transfers.send, applied["id"]) == "accepted"
    assert row(factory, shop, applied["id"]) == first  # the same bill, not a second one
    with app.app_context():
        sim(app).complete(mchid(app, factory, shop), "WD-lost-0001")  # no notification
    assert in_shop(app, factory, shop, transfers.sweep_shop) == {"WD-lost-0001": "paid"}
    assert balances(factory, shop, b.member.id) == (0, 0, 0, 1000)
    assert reconciled(factory, shop)


def test_limits_answer_at_amount_and_freeze_nothing(app, client, factory, shop, clock,
                                                    redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, withdraw_min_fen=200,
                     **WECHAT)
    for amount in (199, 1001):
        problem = withdraw(b, 422, amount_fen=amount, method="wechat")
        assert problem["errors"][0]["pointer"] == "/amount_fen"

    def no_openid(s):
        s.get(Member, b.member.id).openid = None

    in_shop(app, factory, shop, no_openid)
    problem = withdraw(b, 422, amount_fen=500, method="wechat")
    assert problem["errors"][0]["code"] == "openid_missing"
    assert balances(factory, shop, b.member.id) == (0, 1000, 0, 0)
    assert read(factory, shop, lambda s: s.query(Withdrawal).count()) == 0


def test_two_wechat_withdrawals_racing_for_one_balance(app, client, factory, shop, clock,
                                                       redis_conn):
    _, b, _ = earned(app, client, factory, shop, clock, redis_conn, **WECHAT)

    def work(session, i):
        return withdrawals.apply(session, b.member.id, {"amount_fen": 1000,
                                                        "method": "wechat"}).no

    outcomes = run_in_threads(app, shop.id, work, 2)
    assert sum(isinstance(o, str) for o in outcomes) == 1, outcomes
    assert balances(factory, shop, b.member.id) == (0, 0, 1000, 0)
    assert reconciled(factory, shop)


def test_finance_cannot_mark_a_wechat_transfer_by_hand(app, client, factory, shop, clock,
                                                       redis_conn):
    _, applied = approved(app, client, factory, shop, clock, redis_conn)
    for action in (withdrawals.mark_paid, lambda s, i: withdrawals.mark_failed(s, i, "x")):
        try:
            in_shop(app, factory, shop, action, applied["id"])
        except withdrawals.Conflict as error:
            assert error.code == "withdrawal_by_wechat"
        else:
            raise AssertionError("marked by hand")
    assert row(factory, shop, applied["id"])[0] == "approved"


def test_a_bill_of_nobody_is_ignored(app, client, factory, shop, clock, redis_conn):
    approved(app, client, factory, shop, clock, redis_conn)
    bill = TransferBill("WD-nobody-01", "x", "SUCCESS", 10, "", {})
    assert in_shop(app, factory, shop, payments.apply_transfer, bill) == "ignored"
