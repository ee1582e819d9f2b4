"""Top-ups end to end through the WeChat Pay simulator: prepay, notification, balance; the
payout of unused principal as a WeChat Pay refund; the stale top-up sweeper."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.wallet import jobs, service
from runtime.modules.wallet.models import Payout, TopUp
from runtime.wechat.pay import simulator


def _login(client, shop, openid="payer"):
    body = client.post(f"/api/v1/shops/{shop.slug}/auth/wechat",
                       json={"code": f"dev-{openid}"}).json
    return body["member"]["id"], {"Authorization": f"Bearer {body['token']}"}


def test_topup_through_wechat_pay_credits_bonus_once(app, client, shop, session, clock):
    _member_id, auth = _login(client, shop)
    base = f"/api/v1/shops/{shop.slug}"
    tiers = client.get(f"{base}/wallet/tiers").json
    assert tiers["tiers"][0] == {"pay_fen": 10000, "bonus_fen": 1000}
    started = client.post(f"{base}/me/wallet/topups", headers=auth, json={"amount_fen": 10000})
    assert started.status_code == 201, started.get_data(as_text=True)
    topup = started.json["topup"]
    assert (topup["status"], topup["bonus_fen"]) == ("pending", 1000)
    assert started.json["request_payment"]["package"].startswith("prepay_id=")

    with app.app_context():
        delivery = simulator.send_payment_notification(topup["out_trade_no"])
        assert delivery.accepted, delivery
        again = simulator.send_payment_notification(topup["out_trade_no"])
        assert again.accepted
    polled = client.get(f"{base}/me/wallet/topups/{topup['id']}", headers=auth).json
    assert polled["status"] == "paid"
    wallet = client.get(f"{base}/me/wallet", headers=auth).json
    assert (wallet["balance_fen"], wallet["principal_fen"], wallet["bonus_fen"]) == \
        (11000, 10000, 1000)
    assert [e["kind"] for e in wallet["entries"]] == ["topup"]


def test_topup_validation_and_h5_members(client, shop, caplog):
    _member_id, auth = _login(client, shop)
    base = f"/api/v1/shops/{shop.slug}"
    bad = client.post(f"{base}/me/wallet/topups", headers=auth, json={"amount_fen": 0})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/amount_fen"
    missing = client.post(f"{base}/me/wallet/topups", headers=auth, json={})
    assert missing.status_code == 422
    assert client.post(f"{base}/me/wallet/topups", json={"amount_fen": 100}).status_code == 401


def test_forged_notification_changes_nothing(client, shop, session):
    member_id, auth = _login(client, shop)
    base = f"/api/v1/shops/{shop.slug}"
    client.post(f"{base}/me/wallet/topups", headers=auth, json={"amount_fen": 10000})
    forged = client.post(f"{base}/wallet/wechatpay/notify", data=b'{"resource": {}}',
                         headers={"Content-Type": "application/json",
                                  "Wechatpay-Signature": "x", "Wechatpay-Serial": "y",
                                  "Wechatpay-Timestamp": "1", "Wechatpay-Nonce": "n"})
    assert 400 <= forged.status_code < 500
    assert forged.json["code"] == "FAIL" and forged.json["message"]  # WeChat's own shape
    use_shop(session, shop.id)
    assert service.balance_of(session, member_id).balance_fen == 0


def test_payout_of_unused_principal_through_wechat_pay(app, client, shop, session, clock):
    member_id, auth = _login(client, shop)
    base = f"/api/v1/shops/{shop.slug}"
    topup = client.post(f"{base}/me/wallet/topups", headers=auth,
                        json={"amount_fen": 10000}).json["topup"]
    with app.app_context():
        simulator.send_payment_notification(topup["out_trade_no"])
    use_shop(session, shop.id)
    service.pay_for_order(session, member_id, 42, 5500)  # 5000 principal + 500 bonus
    plan = service.refund_unused_principal(session, member_id, key="cash-out")
    session.commit()
    assert [p.amount_fen for p in plan.payouts] == [5000] and plan.forfeited_bonus_fen == 500

    with app.app_context():
        assert jobs.send_payouts_for_shop(shop.id) == 1
        refund_no = session.scalar(select(Payout.out_refund_no))
        session.rollback()  # SQLite: no open transaction while the notification comes in
        simulator.send_refund_notification(refund_no)
    session.expire_all()
    payout = session.scalars(select(Payout)).one()
    assert payout.status == "succeeded" and payout.refund_id
    with app.app_context():
        record = simulator.current_simulator().refund_record(payout.out_refund_no)
    assert record["amount"]["refund"] == 5000
    assert service.balance_of(session, member_id).balance_fen == 0


def test_stale_topup_is_settled_by_the_sweeper(app, client, shop, session, clock):
    member_id, auth = _login(client, shop)
    base = f"/api/v1/shops/{shop.slug}"
    paid = client.post(f"{base}/me/wallet/topups", headers=auth,
                       json={"amount_fen": 2000}).json["topup"]
    unpaid = client.post(f"{base}/me/wallet/topups", headers=auth,
                         json={"amount_fen": 3000}).json["topup"]
    with app.app_context():
        # the payer paid, but the notification never arrived
        simulator.current_simulator().mark_paid(paid["out_trade_no"])
    clock.advance(timedelta(hours=3))
    with app.app_context():
        result = jobs.stale_topups_job()
    assert result[shop.id] == {"paid": 1, "closed": 1}
    use_shop(session, shop.id)
    statuses = dict(session.execute(select(TopUp.out_trade_no, TopUp.status)).all())
    assert statuses == {paid["out_trade_no"]: "paid", unpaid["out_trade_no"]: "closed"}
    assert service.balance_of(session, member_id).balance_fen == 2000
