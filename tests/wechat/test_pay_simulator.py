"""The WeChat Pay simulator driven through the real client: prepay, pay, notify, query,
close, refunds, guards."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from runtime.app import create_app
from runtime.wechat import pay_client
from runtime.wechat.errors import (
    InvalidSignature,
    ResponseVerificationFailed,
    SignatureProbe,
    SimulatorDisabled,
    SimulatorGuardError,
    StaleTimestamp,
    TransactionNotFound,
    UnknownSerial,
    WechatPayApiError,
)
from runtime.wechat.pay import crypto
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.objects import EventType, RefundStatus, TradeState
from runtime.wechat.pay.simulator import (
    SimPayError,
    WechatPaySimulator,
    send_payment_notification,
    send_refund_notification,
    simulator_pay_config,
)
from runtime.wechat.simkeys import KeyMode, sim_mchid, simulator_material
from runtime.wechat.transport import AppTransport, HttpResponse, UrllibTransport

from .conftest import NOTIFY_URL

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def prepay(pay: WechatPayClient, out_trade_no: str = "M2026112500001", amount_fen: int = 1999,
           **kw) -> str:
    return pay.jsapi_prepay(out_trade_no=out_trade_no, description="Alpha 商店-订单",
                            amount_fen=amount_fen, payer_openid=OPENID, **kw)


@pytest.mark.parametrize("mode", list(KeyMode))
def test_full_payment_flow(app, settings, shop, sim, inbox, clock, mode):
    config = simulator_pay_config(settings, shop_id=shop.id, notify_url=NOTIFY_URL,
                                  key_mode=mode)
    inbox.config = config
    pay = WechatPayClient(config, AppTransport(app))

    prepay_id = prepay(pay, amount_fen=2590)
    assert prepay_id.startswith("wx") and len(prepay_id) == 36

    params = pay.jsapi_payment_params(prepay_id).as_dict()
    assert params["package"] == f"prepay_id={prepay_id}" and params["signType"] == "RSA"
    assert params["appId"] == config.appid
    assert params["timeStamp"] == str(int(clock.now().timestamp()))
    merchant_cert = crypto.load_certificate(simulator_material(settings).merchant_cert_pem)
    assert crypto.verify_jsapi(crypto.certificate_public_key(merchant_cert), params)

    assert pay.query_by_out_trade_no("M2026112500001").trade_state == TradeState.NOTPAY

    with app.app_context():
        delivery = send_payment_notification("M2026112500001")
    assert delivery.accepted and delivery.status == 204

    [notification] = inbox.received
    assert notification.event_type == EventType.TRANSACTION_SUCCESS
    assert notification.serial == (simulator_material(settings).public_key_id
                                   if mode is KeyMode.PUBLIC_KEY
                                   else simulator_material(settings).platform_serial)
    paid = notification.transaction()
    assert (paid.out_trade_no, paid.total_fen, paid.payer_total_fen, paid.payer_openid) == (
        "M2026112500001", 2590, 2590, OPENID)
    assert paid.trade_state == "SUCCESS" and paid.mchid == config.mchid
    assert paid.success_time == clock.now()

    queried = pay.query_by_out_trade_no("M2026112500001")
    assert queried.paid and queried.transaction_id == paid.transaction_id
    assert len(paid.transaction_id) == 28 and paid.transaction_id.isdigit()


def test_notification_retries_share_one_event_id(app, pay, sim, inbox, clock):
    prepay(pay)
    first = sim.send_payment_notification("M2026112500001", transport=AppTransport(app))
    clock.advance(timedelta(minutes=1))
    again = sim.send_payment_notification("M2026112500001", transport=AppTransport(app))
    assert first.event_id == again.event_id
    assert [n.id for n in inbox.received] == [first.event_id, first.event_id]
    assert [d["event_id"] for d in sim.deliveries()] == [first.event_id, first.event_id]


def test_prepay_repeat_is_idempotent_and_conflicts_are_refused(pay, sim, clock):
    first = prepay(pay)
    assert prepay(pay) == first
    with pytest.raises(WechatPayApiError) as exc:
        prepay(pay, amount_fen=1)
    assert exc.value.wechat_code == "INVALID_REQUEST" and exc.value.http_status == 400
    sim.mark_paid("M2026112500001")
    with pytest.raises(WechatPayApiError) as exc:
        prepay(pay)
    assert exc.value.wechat_code == "ORDERPAID"


def test_prepay_input_is_validated_before_calling_wechat(pay):
    from runtime.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        pay.jsapi_prepay(out_trade_no="x", description="", amount_fen=0, payer_openid="")
    assert {e.pointer for e in exc.value.errors} == {"/out_trade_no"}
    with pytest.raises(ValidationFailed) as exc:
        pay.jsapi_prepay(out_trade_no="M2026112500001", description="", amount_fen=0,
                         payer_openid="", attach="x" * 129)
    assert {e.pointer for e in exc.value.errors} == {"/description", "/amount_fen",
                                                     "/payer_openid", "/attach"}


def test_query_unknown_order(pay):
    with pytest.raises(TransactionNotFound) as exc:
        pay.query_by_out_trade_no("M0000000000404")
    assert exc.value.wechat_code == "ORDER_NOT_EXIST" and exc.value.status == 404


def test_close_unpaid_order(pay, sim, clock):
    prepay(pay)
    pay.close("M2026112500001")
    assert pay.query_by_out_trade_no("M2026112500001").trade_state == TradeState.CLOSED
    with pytest.raises(SimPayError):
        sim.mark_paid("M2026112500001")
    with pytest.raises(WechatPayApiError) as exc:
        prepay(pay)
    assert exc.value.wechat_code == "ORDER_CLOSED"


def test_paid_order_cannot_be_closed(pay, sim, clock):
    prepay(pay)
    sim.mark_paid("M2026112500001")
    with pytest.raises(WechatPayApiError) as exc:
        pay.close("M2026112500001")
    assert exc.value.wechat_code == "ORDERPAID"
    assert pay.query_by_out_trade_no("M2026112500001").trade_state == TradeState.SUCCESS


def test_time_expire_stops_payment(pay, sim, clock):
    prepay(pay, time_expire=clock.now() + timedelta(minutes=15))
    clock.advance(timedelta(minutes=16))
    with pytest.raises(SimPayError) as exc:
        sim.mark_paid("M2026112500001")
    assert exc.value.code == "ORDER_CLOSED"


def test_refund_flow(app, pay, sim, inbox, clock):
    prepay(pay, amount_fen=1000)
    sim.mark_paid("M2026112500001")

    refund = pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001",
                        refund_fen=300, total_fen=1000, reason="缺货")
    assert (refund.status, refund.refund_fen, refund.total_fen) == ("PROCESSING", 300, 1000)
    assert pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001",
                      refund_fen=300, total_fen=1000).refund_id == refund.refund_id
    assert pay.query_refund("R2026112500001").status == RefundStatus.PROCESSING

    with pytest.raises(WechatPayApiError) as exc:
        pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500002",
                   refund_fen=701, total_fen=1000)
    assert exc.value.wechat_code == "INVALID_REQUEST"

    with app.app_context():
        delivery = send_refund_notification("R2026112500001")
    assert delivery.accepted
    [notification] = inbox.received
    assert notification.event_type == EventType.REFUND_SUCCESS and notification.is_refund
    done = notification.refund()
    assert (done.out_refund_no, done.out_trade_no, done.refund_id, done.status,
            done.refund_fen, done.total_fen) == (
        "R2026112500001", "M2026112500001", refund.refund_id, "SUCCESS", 300, 1000)
    assert done.success_time == clock.now()

    assert pay.query_refund("R2026112500001").status == RefundStatus.SUCCESS
    assert pay.query_by_out_trade_no("M2026112500001").trade_state == TradeState.REFUND

    with pytest.raises(WechatPayApiError) as exc:  # WeChat spaces refunds of one payment
        pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500002",
                   refund_fen=700, total_fen=1000)
    assert exc.value.wechat_code == "FREQUENCY_LIMITED"
    clock.advance(timedelta(minutes=1))
    rest = pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500002",
                      refund_fen=700, total_fen=1000)
    assert rest.status == "PROCESSING"


def test_closed_refund_frees_its_amount(app, pay, sim, inbox, clock):
    prepay(pay, amount_fen=500)
    sim.mark_paid("M2026112500001")
    pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001", refund_fen=500,
               total_fen=500)
    sim.send_refund_notification("R2026112500001", status="CLOSED",
                                 transport=AppTransport(app))
    assert inbox.received[0].event_type == EventType.REFUND_CLOSED
    clock.advance(timedelta(minutes=1))
    assert pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500002",
                      refund_fen=500, total_fen=500).status == "PROCESSING"


def test_refund_rules(pay, sim, clock):
    prepay(pay, amount_fen=1000)
    with pytest.raises(WechatPayApiError, match="未支付"):
        pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001",
                   refund_fen=100, total_fen=1000)
    sim.mark_paid("M2026112500001")
    with pytest.raises(WechatPayApiError) as exc:
        pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001",
                   refund_fen=100, total_fen=999)
    assert exc.value.wechat_code == "PARAM_ERROR"
    with pytest.raises(TransactionNotFound):
        pay.refund(out_trade_no="M0000000000404", out_refund_no="R2026112500001",
                   refund_fen=100, total_fen=1000)
    with pytest.raises(TransactionNotFound):
        pay.query_refund("R0000000000404")


def test_concurrent_refunds_never_exceed_the_total(app, pay, sim, clock):
    """Six refunds of 300 fen asked at once, four times a minute apart, against 1000 fen:
    one goes through per minute (WeChat spaces a payment's refunds), never more than 1000 in
    all."""
    prepay(pay, amount_fen=1000)
    sim.mark_paid("M2026112500001")
    rounds: list[list[str]] = []

    def ask(n: int, outcomes: list[str]) -> None:
        try:
            pay.refund(out_trade_no="M2026112500001", out_refund_no=f"R20261125{n:04d}",
                       refund_fen=300, total_fen=1000)
            outcomes.append("ok")
        except WechatPayApiError as exc:
            outcomes.append(exc.wechat_code)

    for round_no in range(4):
        outcomes: list[str] = []
        threads = [threading.Thread(target=ask, args=(round_no * 10 + n, outcomes))
                   for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        rounds.append(sorted(outcomes))
        clock.advance(timedelta(minutes=1))
    assert rounds == [["FREQUENCY_LIMITED"] * 5 + ["ok"]] * 2 + [
        ["INVALID_REQUEST"] * 5 + ["ok"],  # 600 refunded: after the winner, 300 exceed the rest
        ["INVALID_REQUEST"] * 6]


def test_stale_notification_is_rejected(app, pay, sim, inbox, clock):
    prepay(pay)
    sim.mark_paid("M2026112500001")
    notification = sim.payment_notification("M2026112500001")
    clock.advance(timedelta(minutes=5, seconds=1))
    delivery = sim.deliver(notification, AppTransport(app))
    assert delivery.status == 401 and not delivery.accepted
    assert isinstance(inbox.rejected[0], StaleTimestamp) and inbox.received == []


def test_signature_probe_is_answered_with_a_failure(app, pay, sim, inbox, sim_config, clock):
    delivery = sim.deliver(sim.signature_probe(NOTIFY_URL, mchid=sim_config.mchid),
                           AppTransport(app))
    assert delivery.status == 401 and b"FAIL" in delivery.body
    assert isinstance(inbox.rejected[0], SignatureProbe)


def test_simulated_payment_cannot_pay_a_real_configuration(app, pay, sim, inbox, merchant_keys,
                                                           settings, clock):
    prepay(pay)
    sim.mark_paid("M2026112500001")
    inbox.config = merchant_keys.config()
    assert sim.deliver(sim.payment_notification("M2026112500001"),
                       AppTransport(app)).status == 401
    assert isinstance(inbox.rejected[-1], UnknownSerial)

    # even a real configuration that happened to name the simulator's key id trusts its own key
    inbox.config = merchant_keys.config(public_key_id=simulator_material(settings).public_key_id)
    sim.deliver(sim.payment_notification("M2026112500001"), AppTransport(app))
    assert isinstance(inbox.rejected[-1], InvalidSignature)
    assert inbox.received == []


def test_real_configuration_never_reaches_the_simulator(app, merchant_keys):
    with pytest.raises(SimulatorGuardError):
        WechatPayClient(merchant_keys.config(), AppTransport(app))
    assert isinstance(pay_client(merchant_keys.config(), app).transport, UrllibTransport)


def test_simulator_refuses_requests_not_signed_by_its_merchant(app, pay, sim_config, merchant_keys,
                                                               clock):
    foreign = replace(sim_config, merchant_private_key_pem=crypto.private_key_pem(
        merchant_keys.merchant_key))
    with pytest.raises(WechatPayApiError) as exc:
        prepay(WechatPayClient(foreign, AppTransport(app)))
    assert (exc.value.http_status, exc.value.wechat_code) == (401, "SIGN_ERROR")

    wrong_serial = replace(sim_config, merchant_serial_no=merchant_keys.merchant_serial)
    with pytest.raises(WechatPayApiError) as exc:
        prepay(WechatPayClient(wrong_serial, AppTransport(app)))
    assert exc.value.wechat_code == "SIGN_ERROR"

    response = app.test_client().post("/_sim/wechatpay/v3/pay/transactions/jsapi", json={})
    assert response.status_code == 401 and response.json["code"] == "SIGN_ERROR"


def test_simulator_refuses_stale_requests(app, sim_config, clock):
    client = WechatPayClient(sim_config, AppTransport(app))
    body = b'{"mchid":"x"}'
    stale = crypto.build_authorization(
        mchid=sim_config.mchid, serial_no=sim_config.merchant_serial_no,
        private_key=sim_config.merchant_private_key, method="POST",
        url="/v3/pay/transactions/jsapi", body=body,
        timestamp=int((clock.now() - timedelta(minutes=6)).timestamp()))
    response = app.test_client().post("/_sim/wechatpay/v3/pay/transactions/jsapi", data=body,
                                      headers={"Authorization": stale.header(),
                                               "Content-Type": "application/json"})
    assert response.status_code == 401 and "timestamp" in response.json["message"]
    assert client.config is sim_config


class Tampering:
    """A man in the middle between the client and the simulator."""

    def __init__(self, app, change) -> None:
        self.inner = AppTransport(app)
        self.change = change
        self.in_process = True

    def __call__(self, request):
        return self.change(self.inner(request))


def test_responses_are_verified(app, sim_config, clock):
    def alter_body(r: HttpResponse) -> HttpResponse:
        return HttpResponse(r.status, r.headers, r.body.replace(b'"prepay_id":"wx',
                                                                b'"prepay_id":"wy'))

    def drop_signature(r: HttpResponse) -> HttpResponse:
        return HttpResponse(r.status, {k: v for k, v in r.headers.items()
                                       if k.lower() != "wechatpay-signature"}, r.body)

    for change in (alter_body, drop_signature):
        client = WechatPayClient(sim_config, Tampering(app, change))
        with pytest.raises(ResponseVerificationFailed):
            prepay(client)


def test_request_payment_endpoint_pays_and_notifies(app, pay, inbox, clock):
    params = pay.jsapi_payment_params(prepay(pay)).as_dict()
    http = app.test_client()

    forged = http.post("/_sim/wechatpay/sim/request-payment",
                       json={**params, "package": "prepay_id=wx-someone-else"})
    assert forged.status_code == 400 and forged.json["code"] == "SIGN_ERROR"
    assert pay.query_by_out_trade_no("M2026112500001").trade_state == TradeState.NOTPAY

    answer = http.post("/_sim/wechatpay/sim/request-payment", json=params)
    assert answer.status_code == 200, answer.json
    assert answer.json["errMsg"] == "requestPayment:ok"
    assert answer.json["notification"]["accepted"] is True
    assert inbox.received[0].transaction().out_trade_no == "M2026112500001"


def test_complete_refund_endpoint(app, pay, sim, inbox, clock):
    prepay(pay, amount_fen=100)
    sim.mark_paid("M2026112500001")
    pay.refund(out_trade_no="M2026112500001", out_refund_no="R2026112500001", refund_fen=100,
               total_fen=100)
    answer = app.test_client().post("/_sim/wechatpay/sim/refunds/R2026112500001/complete",
                                    json={"status": "ABNORMAL"})
    assert answer.status_code == 200 and answer.json["notification"]["accepted"]
    assert inbox.received[0].event_type == EventType.REFUND_ABNORMAL
    assert inbox.received[0].refund().status == "ABNORMAL"


def test_each_shop_has_its_own_sim_merchant(app, settings, factory, clock):
    other = factory.shop(slug="beta")
    a = simulator_pay_config(settings, shop_id=1, notify_url=NOTIFY_URL)
    b = simulator_pay_config(settings, shop_id=other.id, key_mode="platform_certificate",
                             notify_url=NOTIFY_URL)
    assert a.mchid == sim_mchid(1) == "1900000011"
    assert b.mchid.endswith("2") and b.platform_certificates and not b.public_key_id
    for config in (a, b):
        prepay(WechatPayClient(config, AppTransport(app)))
    sim = WechatPaySimulator.for_app(app)
    with pytest.raises(SimPayError, match="give mchid"):
        sim.mark_paid("M2026112500001")
    assert sim.mark_paid("M2026112500001", mchid=b.mchid)["trade_state"] == "SUCCESS"
    assert sim.transaction("M2026112500001", a.mchid)["trade_state"] == "NOTPAY"


def test_over_real_http(live_server, settings, shop, inbox, sim, clock):
    config = simulator_pay_config(settings, shop_id=shop.id,
                                  base_url=f"{live_server}/_sim/wechatpay",
                                  notify_url=f"{live_server}/_test/wechatpay/notify")
    inbox.config = config
    client = WechatPayClient(config, UrllibTransport(timeout=10))
    prepay(client)
    delivery = sim.send_payment_notification("M2026112500001", transport=UrllibTransport())
    assert delivery.status == 204
    assert inbox.received[0].transaction().total_fen == 1999
    assert client.query_by_out_trade_no("M2026112500001").paid


def test_simulators_off(settings, app, merchant_keys, clock):
    off = settings.replace(simulators=False)
    with pytest.raises(SimulatorDisabled):
        simulator_pay_config(off)
    with pytest.raises(SimulatorDisabled):
        WechatPaySimulator(off, app.extensions["mallkit"].redis)

    sim_config = simulator_pay_config(settings, notify_url=NOTIFY_URL)
    dark = create_app(off)
    try:
        http = dark.test_client()
        for path in ("/_sim/wechatpay/v3/pay/transactions/jsapi", "/_sim/wechat/cgi-bin/token",
                     "/_sim/wechatpay/sim/request-payment"):
            assert http.post(path, json={}).status_code == 404
        with pytest.raises(SimulatorDisabled):
            pay_client(sim_config, dark)
    finally:
        dark.extensions["mallkit"].engine.dispose()


def test_simulator_blueprints_refuse_to_serve_when_off_even_if_mounted(settings, clock):
    from runtime.wechat import mini_simulator
    from runtime.wechat.pay import simulator

    dark = create_app(settings.replace(simulators=False))
    dark.register_blueprint(simulator.blueprint)
    dark.register_blueprint(mini_simulator.blueprint)
    try:
        http = dark.test_client()
        answer = http.post("/_sim/wechatpay/sim/request-payment", json={})
        assert answer.status_code == 404 and answer.json["code"] == "NOT_FOUND"
        answer = http.get("/_sim/wechat/sns/jscode2session?js_code=dev-x")
        assert answer.status_code == 404 and answer.json["errcode"] == -1
    finally:
        dark.extensions["mallkit"].engine.dispose()


def test_notification_for_another_merchant_is_refused(app, settings, factory, pay, sim, inbox,
                                                       clock):
    from runtime.wechat.errors import ForeignNotification

    prepay(pay)
    other = factory.shop(slug="gamma")
    inbox.config = simulator_pay_config(settings, shop_id=other.id, notify_url=NOTIFY_URL)
    delivery = sim.send_payment_notification("M2026112500001", transport=AppTransport(app))
    assert delivery.status == 400
    assert isinstance(inbox.rejected[0], ForeignNotification) and inbox.received == []
