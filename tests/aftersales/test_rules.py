"""The request rules and their answers: refundable amount (422 at /amount_fen), one open
request per line (also with two requests racing), wrong state and the window (409 with
their type), returns only after shipping, photos through the media checks (a renamed .exe
is 422), and another shop's or member's requests (404)."""

from __future__ import annotations

import io
from datetime import timedelta

from runtime.modules.aftersales import service
from runtime.modules.aftersales.errors import AlreadyOpen
from runtime.modules.aftersales.models import AfterSale
from runtime.modules.orders.service import confirm_receipt
from runtime.modules.orders.state import Actor
from tests.aftersales.flow import (
    MERCHANT,
    buyer,
    in_shop,
    read,
    ship_order,
    sku_of,
    wechat_paid,
)
from tests.concurrency import run_in_threads
from tests.tenancy_helpers import two_shops


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def apply(person, order, line, expect=201, **changes):
    body = {"order_id": order["id"], "line_id": line["id"], "kind": "refund",
            "amount_fen": line["payable_fen"], "reason": "不想要了", **changes}
    return person.call("POST", "/aftersales", body, expect).json


def test_amount_above_refundable_is_422_at_amount_fen(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    line = order["lines"][0]
    problem = apply(alice, order, line, 422, amount_fen=line["payable_fen"] + 1)
    assert problem["errors"][0]["pointer"] == "/amount_fen"
    assert problem["errors"][0]["code"] == "refundable"
    problem = apply(alice, order, line, 422, amount_fen=0, kind="nonsense", reason="")
    assert {e["pointer"] for e in problem["errors"]} == {"/kind", "/reason"}
    assert apply(alice, order, {"id": 999999, "payable_fen": 1}, 422)["errors"][0][
        "pointer"] == "/line_id"
    assert apply(alice, order, line, 409, kind="return")["code"] == \
        "aftersale_kind_not_allowed"  # not shipped yet: refund only


def test_one_open_request_per_line_and_wrong_state_is_409(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    line = order["lines"][0]
    first = apply(alice, order, line, amount_fen=300)
    second = apply(alice, order, line, 409, amount_fen=300)
    assert second["type"].endswith("/aftersale_already_open")
    assert second["aftersale_id"] == first["id"]
    assert alice.call("POST", f"/aftersales/{first['id']}/cancel").json["status"] == \
        "buyer_cancel"
    again = alice.call("POST", f"/aftersales/{first['id']}/cancel", expect=409).json
    assert again["type"].endswith("/aftersale_invalid_transition")
    assert again["status"] == "buyer_cancel"
    assert apply(alice, order, line, amount_fen=300)["status"] == "apply"  # a new one


def test_two_requests_racing_on_one_line_make_one(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    line = order["lines"][0]

    def request(session, i):
        return service.create_request(session, alice.member.id, {
            "order_id": order["id"], "line_id": line["id"], "kind": "refund",
            "amount_fen": 100 + i, "reason": f"第 {i} 次"}).id

    with app.app_context():
        outcomes = run_in_threads(app, shop.id, request, 4)
    made = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, AlreadyOpen)]
    assert len(made) == 1 and len(refused) == 3, outcomes
    assert read(factory, shop, lambda s: s.query(AfterSale).count()) == 1


def test_after_the_window_is_409_window_closed(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    ship_order(app, factory, shop, order["id"])
    in_shop(app, factory, shop, confirm_receipt, order["id"], Actor.member(alice.member.id))
    line = order["lines"][0]
    clock.advance(timedelta(days=7))
    inside = apply(alice, order, line, kind="return", amount_fen=100)
    alice.call("POST", f"/aftersales/{inside['id']}/cancel")
    clock.advance(timedelta(seconds=1))
    problem = apply(alice, order, line, 409, kind="return", amount_fen=100)
    assert problem["type"] == "https://mallkit.dev/problems/aftersale_window_closed"
    assert problem["window_days"] == 7


def test_photos_go_through_the_media_checks(app, client, factory, shop, clock):
    sku = sku_of(factory, shop, factory.product(shop, price_fen=1000, stock=5))
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(sku.id, 1)])
    fake = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    refused = alice.client.post(f"{alice.base}/aftersales/photos", headers=alice.headers,
                                data={"file": (io.BytesIO(fake), "photo.jpg")},
                                content_type="multipart/form-data")
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "/file"
    stored = alice.client.post(f"{alice.base}/aftersales/photos", headers=alice.headers,
                               data={"file": (io.BytesIO(png()), "photo.png")},
                               content_type="multipart/form-data")
    assert stored.status_code == 201, stored.json
    line = order["lines"][0]
    too_many = apply(alice, order, line, 422, images=[{"media_id": stored.json["media_id"]}]
                     * 10)
    assert too_many["errors"][0]["pointer"] == "/images"
    unknown = apply(alice, order, line, 422, images=[{"media_id": 987654}])
    assert unknown["errors"][0]["pointer"] == "/images/0/media_id"
    made = apply(alice, order, line, images=[{"media_id": stored.json["media_id"]}])
    detail = alice.call("GET", f"/aftersales/{made['id']}").json
    assert detail["images"][0]["media_id"] == stored.json["media_id"] and \
        detail["images"][0]["url"]


def test_other_shop_and_other_member_requests_are_404(app, client, factory):
    shops = two_shops(app, client, factory)
    sku = sku_of(factory, shops.a, factory.product(shops.a, price_fen=1000, stock=5))
    shops.alice.add_address()
    order = wechat_paid(app, shops.alice, [(sku.id, 1)])
    made = apply(shops.alice, order, order["lines"][0], amount_fen=500)
    assert shops.foreign_token_call("GET", f"/aftersales/{made['id']}").status_code == 401
    bob = shops.bob
    for method, path in (("GET", f"/aftersales/{made['id']}"),
                         ("POST", f"/aftersales/{made['id']}/cancel")):
        assert bob.call(method, path, expect=404).json["code"] == "aftersale_not_found"
    assert bob.call("GET", "/aftersales").json["items"] == []
    assert apply(bob, order, order["lines"][0], 404)["code"] == "order_not_found"
    carol = buyer(app, app.test_client(), factory, shops.a, "carol")
    assert carol.call("GET", f"/aftersales/{made['id']}", expect=404).status_code == 404
    assert shops.count(shops.b, AfterSale) == 0 and shops.count(shops.a, AfterSale) == 1
    with app.app_context(), factory._session() as s:
        from runtime.db import use_shop

        use_shop(s, shops.b.id)
        try:
            service.agree(s, made["id"], MERCHANT)
        except Exception as exc:  # the merchant of shop B cannot touch it either
            assert getattr(exc, "status", None) == 404
        else:
            raise AssertionError("shop B agreed to shop A's request")


def test_auto_confirm_waits_while_a_request_is_open(app, client, factory, shop, clock):
    """A shipped order with an open request is not confirmed automatically (asked again a
    day later); once the request is withdrawn, it is."""
    from runtime.modules.orders.models import Order
    from runtime.modules.orders.service import auto_confirm_due

    sku = sku_of(factory, shop, factory.product(shop, price_fen=3000, stock=5))
    frank = buyer(app, client, factory, shop, "frank")
    order = wechat_paid(app, frank, [(sku.id, 1)])
    ship_order(app, factory, shop, order["id"])
    made = apply(frank, order, order["lines"][0], kind="return")
    due = read(factory, shop, lambda s: s.get(Order, order["id"]).auto_confirm_at)
    clock.advance(due - clock.now() + timedelta(minutes=1))
    assert in_shop(app, factory, shop, auto_confirm_due) == []
    held = read(factory, shop, lambda s: (s.get(Order, order["id"]).status,
                                          s.get(Order, order["id"]).auto_confirm_at))
    assert held[0] == "shipped" and held[1] > clock.now()
    frank.call("POST", f"/aftersales/{made['id']}/cancel", {}, 200)
    clock.advance(timedelta(days=1))
    assert in_shop(app, factory, shop, auto_confirm_due) == [order["id"]]
    assert frank.order(order["id"])["status"] == "completed"
