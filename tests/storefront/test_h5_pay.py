"""WeChat Pay H5 for members who logged in with a phone number in a browser (no openid): an
order and a top-up each get the cashier's ``h5_url``; paying there (the simulator's cashier)
notifies the shop once and returns to the shop; nothing is reported to the mini-program's
shipping API for such a payment."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from runtime.db import use_shop
from runtime.modules.fulfilment.shipping import ship
from runtime.modules.orders.state import Actor
from runtime.modules.payments.models import Payment
from tests.orders.flow import Shopper, sku_of

RETURN = "http://localhost/s/alpha/orders/1?paid=1"


def phone_shopper(app, client, factory, shop):
    member = factory.member(shop, openid=None, phone="13800000001")
    with factory._session() as s:
        use_shop(s, shop.id)
        from runtime.modules.members.models import Member

        s.get(Member, member.id).openid = None
        s.commit()
    return Shopper(app, client, shop, member, factory.member_token(shop, member))


def pay_in_cashier(client, h5_url, redirect_url=RETURN, *, first=True):
    page = client.get(h5_url).get_data(as_text=True)
    assert ("确认支付" in page) is first and ("支付成功" in page) is not first
    prepay_id = h5_url.split("prepay_id=")[1]
    return client.post("/_sim/wechatpay/sim/h5pay",
                       data={"prepay_id": prepay_id, "redirect_url": redirect_url})


def test_a_phone_member_pays_an_order_through_wechat_pay_h5(app, client, factory, shop):
    sku = sku_of(factory, shop, factory.product(shop, "茶杯", price_fen=4500, stock=3))
    bob = phone_shopper(app, client, factory, shop)
    bob.add_address()
    order = bob.buy(sku.id, 1)
    started = bob.call("POST", f"/orders/{order['id']}/pay", {"method": "wechatpay"}).json
    assert started["paid"] is False and started["request_payment"] is None
    assert started["h5_url"].startswith("/_sim/wechatpay/sim/h5pay?prepay_id=")
    assert "¥45.00" in client.get(started["h5_url"]).get_data(as_text=True)

    answer = pay_in_cashier(client, started["h5_url"])
    assert answer.status_code == 302 and answer.headers["Location"] == RETURN
    assert bob.order(order["id"])["status"] == "paid"
    again = pay_in_cashier(client, started["h5_url"], first=False)  # a second tap changes nothing
    assert again.status_code == 302 and bob.order(order["id"])["status"] == "paid"
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        payment = s.scalars(select(Payment)).one()
        assert (payment.status, payment.amount_fen, payment.payer_openid) == ("succeeded", 4500, "")
        ship(s, order["id"], carrier_code="SF", tracking_no="SF1234567890",
             actor=Actor.system())
        s.commit()
        from runtime.modules.fulfilment.models import ShippingUpload

        assert s.scalars(select(ShippingUpload)).all() == []


def test_the_cashier_only_returns_to_its_own_host(app, client, factory, shop):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=100, stock=3))
    bob = phone_shopper(app, client, factory, shop)
    bob.add_address()
    order = bob.buy(sku.id, 1)
    started = bob.call("POST", f"/orders/{order['id']}/pay", {"method": "wechatpay"}).json
    page = client.get(started["h5_url"] + "&redirect_url=" + quote("https://evil.example/x"))
    assert "evil.example" not in page.get_data(as_text=True)
    answer = pay_in_cashier(client, started["h5_url"], "https://evil.example/x")
    assert answer.status_code == 200 and answer.json == {"paid": True}


def test_a_phone_member_tops_up_through_wechat_pay_h5(app, client, factory, shop):
    bob = phone_shopper(app, client, factory, shop)
    started = bob.call("POST", "/me/wallet/topups", {"amount_fen": 10000}, 201).json
    assert started["request_payment"] is None and started["simulated"] is True
    topup = started["topup"]
    assert (topup["status"], topup["bonus_fen"]) == ("pending", 1000)
    assert pay_in_cashier(client, started["h5_url"]).status_code == 302
    assert pay_in_cashier(client, started["h5_url"], first=False).status_code == 302
    assert bob.call("GET", f"/me/wallet/topups/{topup['id']}").json["status"] == "paid"
    wallet = bob.call("GET", "/me/wallet").json
    assert (wallet["balance_fen"], wallet["principal_fen"], wallet["bonus_fen"]) == (
        11000, 10000, 1000)
    assert [e["kind"] for e in wallet["entries"]] == ["topup"]
