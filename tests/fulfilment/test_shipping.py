"""Getting paid orders to buyers: split express shipments, local delivery, self-pickup
codes that verify exactly once, and the shipping uploads WeChat receives (simulator)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.modules.fulfilment import service as fulfilment
from runtime.modules.fulfilment import shipping
from runtime.modules.fulfilment.jobs import send_shipping_upload, sweep_shipping_uploads
from runtime.modules.orders.jobs import sweep_auto_confirm
from runtime.modules.orders.settings import update_settings
from runtime.modules.orders.state import Actor
from runtime.wechat.pay.simulator import WechatPaySimulator, send_payment_notification
from runtime.wechat.transport import AppTransport
from tests.orders.flow import shopper, sku_of

STAFF = Actor.merchant(None, "店员小王")


def configure(app, factory, shop, **settings):
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        update_settings(s, settings)
        point = fulfilment.create_pickup_point(s, {"name": "南山店", "address": "科技园 1 号",
                                                   "phone": "0755-8888888"})
        fulfilment.set_local_delivery(s, {"origin_lat": 22.5431, "origin_lng": 113.9365,
                                          "radius_m": 5000, "tiers": [
                                              {"up_to_m": 3000, "fee_fen": 500},
                                              {"up_to_m": 5000, "fee_fen": 800}]})
        s.commit()
        return point.id


def paid_order(app, alice, sku_id, qty=1, **quote):
    order = alice.buy(sku_id, qty, **quote)
    alice.pay(order["id"])
    with app.app_context():
        assert send_payment_notification(order["order_no"], transport=AppTransport(app)).accepted
    return alice.order(order["id"])


def run(app, factory, shop, func, *args, **kwargs):
    """Call a fulfilment service in its own committed transaction, like a console view."""
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        result = func(s, *args, **kwargs)
        s.commit()
        return result


def uploads(app, order_no):
    with app.app_context():
        return WechatPaySimulator.for_app(app).shipping_uploads(order_no)


@pytest.fixture
def alice(app, client, factory, shop):
    buyer = shopper(app, client, factory, shop, openid="o-alice")
    buyer.add_address()
    return buyer


def test_split_shipment_then_upload_to_wechat(app, factory, shop, clock, alice):
    a = sku_of(factory, shop, factory.product(shop, "外套", price_fen=30000, stock=5))
    b = sku_of(factory, shop, factory.product(shop, "围巾", price_fen=9000, stock=5))
    alice.add_to_cart(a.id, 1)
    alice.add_to_cart(b.id, 2)
    order = alice.submit(alice.quote()["quote_id"]).json
    alice.pay(order["id"])
    with app.app_context():
        send_payment_notification(order["order_no"], transport=AppTransport(app))
    lines = {line["title"]: line["id"] for line in alice.order(order["id"])["lines"]}
    clock.advance(timedelta(hours=3))

    run(app, factory, shop, shipping.ship, order["id"], carrier_code="ZTO",
        tracking_no="ZT1000001", actor=STAFF, lines=[{"order_line_id": lines["外套"]}])
    partial = alice.order(order["id"])
    assert partial["status"] == "paid"  # still 待发货 until everything left
    assert uploads(app, order["order_no"]) == []

    with pytest.raises(ValidationFailed) as too_many:
        run(app, factory, shop, shipping.ship, order["id"], carrier_code="SF",
            tracking_no="SF2000002", actor=STAFF,
            lines=[{"order_line_id": lines["围巾"], "qty": 3}])
    assert too_many.value.errors[0].pointer == "/lines/0/qty"
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="SF",
        tracking_no="SF2000002", actor=STAFF)
    shipped = alice.order(order["id"])
    assert shipped["status"] == "shipped"
    assert [s["tracking_no"] for s in shipped["shipments"]] == ["ZT1000001", "SF2000002"]
    assert shipped["auto_confirm_at"] == (clock.now() + timedelta(days=7)).isoformat()
    assert [e["event"] for e in shipped["timeline"]] == ["created", "paid", "shipment",
                                                         "shipment", "shipped"]

    with app.app_context():
        assert send_shipping_upload(shop.id, order["id"]) == "accepted"
        assert send_shipping_upload(shop.id, order["id"]) == "done"
    [upload] = uploads(app, order["order_no"])
    body = upload.get("body", upload)
    assert body["logistics_type"] == 1 and body["delivery_mode"] == 2
    assert body["is_all_delivered"] is True
    assert [x["tracking_no"] for x in body["shipping_list"]] == ["ZT1000001", "SF2000002"]
    assert body["shipping_list"][1]["contact"]["receiver_contact"] == "138****8000"

    with pytest.raises(Conflict):
        run(app, factory, shop, shipping.ship, order["id"], carrier_code="SF",
            tracking_no="SF3000003", actor=STAFF)


def test_auto_confirm_after_n_days(app, factory, shop, clock, alice):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id)
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
        tracking_no="YT123456", actor=STAFF)
    clock.advance(timedelta(days=7) - timedelta(seconds=1))
    with app.app_context():
        assert sweep_auto_confirm() == 0
    clock.advance(timedelta(seconds=1))
    with app.app_context():
        assert sweep_auto_confirm() == 1
    done = alice.order(order["id"])
    assert done["status"] == "completed" and done["timeline"][-1]["event"] == "auto_confirmed"


def test_buyer_confirms_receipt(app, factory, shop, clock, alice):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id)
    assert alice.call("POST", f"/orders/{order['id']}/confirm-receipt", expect=409).json[
        "code"] == "invalid_transition"
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
        tracking_no="YT123456", actor=STAFF)
    done = alice.call("POST", f"/orders/{order['id']}/confirm-receipt").json
    assert done["status"] == "completed"


def test_pickup_code_verifies_exactly_once(app, factory, shop, clock, alice):
    point_id = configure(app, factory, shop, allow_pickup=True)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id, fulfilment="pickup", pickup_point_id=point_id)
    assert order["shipping_fen"] == 0 and order["pickup_point"]["name"] == "南山店"
    pickup = alice.call("GET", f"/orders/{order['id']}/pickup-code").json
    assert len(pickup["code"]) == 8 and pickup["qr_svg"].startswith("<svg")

    verified = run(app, factory, shop, shipping.verify_pickup, pickup["code"], STAFF)
    assert verified.status == "completed"
    with pytest.raises(Conflict) as again:
        run(app, factory, shop, shipping.verify_pickup, pickup["code"], STAFF)
    assert again.value.code == "pickup_already_verified"
    with pytest.raises(NotFound):
        run(app, factory, shop, shipping.verify_pickup, "00000000", STAFF)
    detail = alice.order(order["id"])
    assert detail["status"] == "completed" and detail["pickup"]["verified_at"]
    with app.app_context():
        assert sweep_shipping_uploads() == 1
    [upload] = uploads(app, order["order_no"])
    assert upload.get("body", upload)["logistics_type"] == 4


def test_concurrent_verifications_succeed_once(app, factory, shop, clock, alice):
    point_id = configure(app, factory, shop, allow_pickup=True)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id, fulfilment="pickup", pickup_point_id=point_id)
    code = alice.call("GET", f"/orders/{order['id']}/pickup-code").json["code"]
    barrier = threading.Barrier(6)

    def verify(_i):
        barrier.wait()
        try:
            run(app, factory, shop, shipping.verify_pickup, code, STAFF)
            return "ok"
        except Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(verify, range(6)))
    assert results.count("ok") == 1
    assert results.count("pickup_already_verified") == 5


def test_scanned_url_or_typed_code(app):
    assert shipping.code_from_scan("https://x.test/console/shops/a/orders/pickup?code=12345678") \
        == "12345678"
    assert shipping.code_from_scan(" 12345678 ") == "12345678"
    with pytest.raises(ValidationFailed):
        shipping.code_from_scan("1234")


def test_local_delivery_fee_dispatch_and_delivery(app, factory, shop, clock, alice):
    configure(app, factory, shop, allow_local=True)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=5))
    quote = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}],
                        fulfilment="local")
    assert quote["shipping_fen"] == 500  # ~1 km from the shop
    assert quote["shipping_detail"]["distance_m"] > 1000
    far = alice.add_address(latitude=22.70, longitude=114.20)
    out = alice.quote(source="items", items=[{"sku_id": sku.id, "qty": 1}],
                      fulfilment="local", address_id=far["id"])
    assert out["errors"][0]["pointer"] == "/fulfilment"
    assert alice.submit(out["quote_id"], expect=422).json["code"] == "validation_failed"

    order = paid_order(app, alice, sku.id, fulfilment="local")
    run(app, factory, shop, shipping.dispatch_local, order["id"], courier_name="李师傅",
        courier_phone="13900000000", actor=STAFF)
    assert alice.order(order["id"])["status"] == "shipped"
    run(app, factory, shop, shipping.mark_delivered, order["id"], STAFF)
    assert alice.order(order["id"])["status"] == "completed"
    with app.app_context():
        assert send_shipping_upload(shop.id, order["id"]) == "accepted"
    [upload] = uploads(app, order["order_no"])
    assert upload.get("body", upload)["logistics_type"] == 2


def test_fulfilment_method_switched_off_is_refused(app, factory, shop, clock, alice):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=5000, stock=5))
    answer = alice.quote(422, source="items", items=[{"sku_id": sku.id, "qty": 1}],
                         fulfilment="pickup")
    assert answer["errors"][0]["pointer"] == "/fulfilment"


def test_demo_seeder_is_idempotent(app, factory, shop):
    from runtime.modules.fulfilment.demo import seed_demo_fulfilment
    from runtime.modules.orders.settings import get_settings

    for _ in range(2):
        run(app, factory, shop, seed_demo_fulfilment, shop)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        assert len(fulfilment.list_templates(s)) == 1
        assert len(fulfilment.list_pickup_points(s)) == 1
        assert fulfilment.get_local_delivery(s).radius_m == 5000
        assert get_settings(s).allow_pickup is True


def test_upload_is_retried_until_accepted(app, factory, shop, clock, alice, redis_conn):
    """WeChat cannot be reached (here: the shop's mini-program AppSecret cannot be read): the
    attempt is counted, the next one scheduled with back-off, and the sweeper sends it once
    the shop is fixed."""
    from rq.registry import ScheduledJobRegistry

    from runtime import jobs
    from runtime.modules.fulfilment.models import ShippingUpload
    from runtime.wechat.models import WechatApp

    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    order = paid_order(app, alice, sku.id)
    factory.add(shop, WechatApp(appid="wx0123456789abcdef",
                                secret_enc="not-readable-with-this-key"))
    run(app, factory, shop, shipping.ship, order["id"], carrier_code="YTO",
        tracking_no="YT9988776", actor=STAFF)
    with app.app_context():
        assert send_shipping_upload(shop.id, order["id"]) == "retry"
    with factory._session() as s:
        use_shop(s, shop.id)
        upload = s.scalars(select(ShippingUpload)).one()
        assert upload.attempts == 1 and upload.status == "pending" and upload.last_error
        assert upload.next_attempt_at == clock.now() + timedelta(minutes=1)
    registry = ScheduledJobRegistry(queue=jobs.get_queue(jobs.DEFAULT, redis_conn))
    assert shipping.upload_job_id(shop.id, order["id"]) in registry.get_job_ids()
    assert uploads(app, order["order_no"]) == []

    with factory._session() as s:
        use_shop(s, shop.id)
        s.delete(s.scalars(select(WechatApp)).one())  # back to the simulator
        s.commit()
    with app.app_context():
        assert sweep_shipping_uploads() == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    with app.app_context():
        assert sweep_shipping_uploads() == 1
    assert len(uploads(app, order["order_no"])) == 1
    with factory._session() as s:
        use_shop(s, shop.id)
        upload = s.scalars(select(ShippingUpload)).one()
        assert upload.status == "accepted" and upload.attempts == 2
