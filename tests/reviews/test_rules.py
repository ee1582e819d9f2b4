"""The review rules through the API: only a completed order's lines, once per line, stars
1-5, up to 9 of the member's own photos (media checks), one follow-up within the window,
anonymous names masked, hidden and unapproved reviews not shown, pinned first, and the
product's rating kept equal to its reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.modules.reviews import service
from tests.orders.flow import shopper
from tests.reviews.flow import (
    completed_order,
    png,
    products,
    read,
    review_body,
    run,
    shipped_order,
    upload_photo,
)


@pytest.fixture
def on(factory, shop):
    factory.module_on(shop, "reviews")
    return shop


@pytest.fixture
def alice(app, client, factory, on, clock):
    return shopper(app, client, factory, on, openid="o-alice")


def rating(app, factory, shop, product_id):
    return read(app, factory, shop, lambda s: service.ratings(s, [product_id])[product_id])


def recount(app, factory, shop, product_id):
    return read(app, factory, shop, service.recount, product_id)


def public(client, shop, product_id, **query):
    response = client.get(f"/api/v1/shops/{shop.slug}/products/{product_id}/reviews",
                          query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_module_off_answers_404(app, client, factory, shop, clock):
    sku, = products(factory, shop, 1000)
    alice = shopper(app, client, factory, shop)
    response = alice.call("GET", "/reviews", expect=404)
    assert response.json["code"] == "module_disabled"
    assert client.get(f"/api/v1/shops/{shop.slug}/products/{sku.product_id}/reviews"
                      ).status_code == 404


def test_a_line_is_reviewed_once_after_completion(app, client, factory, on, alice):
    a, b = products(factory, on, 1000, 2500)
    shipped = shipped_order(app, factory, on, alice, [a, b])
    refused = alice.call("POST", "/reviews", review_body(shipped), expect=409).json
    assert refused["code"] == "order_not_completed"
    assert refused["type"] == "https://mallkit.dev/problems/order_not_completed"
    assert refused["status"] == "shipped"

    done = alice.call("POST", f"/orders/{shipped['id']}/confirm-receipt").json
    assert done["status"] == "completed"
    mine = alice.call("GET", "/reviews").json
    assert [x["line_id"] for x in mine["to_review"]] == sorted(
        [ln["id"] for ln in shipped["lines"]], reverse=True)
    assert mine["to_review"][0]["auto_review_at"] is not None

    review = alice.call("POST", "/reviews", review_body(shipped, 0, stars=4), 201).json
    assert (review["stars"], review["status"], review["automatic"]) == (4, "published", False)
    again = alice.call("POST", "/reviews", review_body(shipped, 0), expect=409).json
    assert again["code"] == "already_reviewed"
    mine = alice.call("GET", "/reviews").json
    assert [x["id"] for x in mine["items"]] == [review["id"]]
    assert [x["line_id"] for x in mine["to_review"]] == [shipped["lines"][1]["id"]]
    assert rating(app, factory, on, a.product_id).as_dict()["average"] == 4.0


@pytest.mark.parametrize(("changes", "pointer"), [
    ({"stars": 0}, "/stars"), ({"stars": 6}, "/stars"), ({"stars": "5"}, "/stars"),
    ({"stars": True}, "/stars"), ({"content": "字" * 501}, "/content"),
    ({"content": 12}, "/content"), ({"anonymous": "yes"}, "/anonymous"),
    ({"images": "x"}, "/images"), ({"images": [{"url": "https://x.test/a.png"}]}, "/images/0"),
    ({"order_id": "1"}, "/order_id"), ({"colour": "red"}, "/colour"),
])
def test_bad_input_is_422_naming_the_field(app, factory, on, alice, changes, pointer):
    a, = products(factory, on, 1000)
    order = completed_order(app, factory, on, alice, [a])
    body = alice.call("POST", "/reviews", review_body(order, **changes), expect=422).json
    assert pointer in [e["pointer"] for e in body["errors"]]
    assert alice.call("GET", "/reviews").json["items"] == []


def test_photos_up_to_nine_of_ones_own_and_a_renamed_exe_refused(app, client, factory, on,
                                                                   alice):
    a, = products(factory, on, 1000)
    order = completed_order(app, factory, on, alice, [a])
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    refused = upload_photo(alice, exe, "photo.jpg", expect=422)
    assert refused["code"] == "unsupported_media"
    assert refused["errors"][0]["pointer"] == "/file"
    photos = [upload_photo(alice, png((i * 20, 10, 10)))["media_id"] for i in range(10)]
    ten = [{"media_id": m} for m in photos]
    body = alice.call("POST", "/reviews", review_body(order, images=ten), expect=422).json
    assert body["errors"][0]["pointer"] == "/images"

    bob = shopper(app, app.test_client(), factory, on, openid="o-bob")
    bobs = upload_photo(bob, png((1, 2, 3)))["media_id"]
    body = alice.call("POST", "/reviews", review_body(order, images=[{"media_id": bobs}]),
                      expect=422).json
    assert body["errors"][0]["pointer"] == "/images/0/media_id"

    review = alice.call("POST", "/reviews", review_body(order, images=ten[:9]), 201).json
    assert len(review["images"]) == 9 and review["images"][0]["url"].startswith("/media/")
    assert public(client, on, a.product_id, filter="images")["total"] == 1


def test_follow_up_once_within_the_window(app, factory, on, alice, clock):
    a, b = products(factory, on, 1000, 1200)
    order = completed_order(app, factory, on, alice, [a, b])
    first = alice.call("POST", "/reviews", review_body(order, 0), 201).json
    second = alice.call("POST", "/reviews", review_body(order, 1), 201).json
    assert alice.call("POST", f"/reviews/{first['id']}/follow-up", {"content": " "},
                      expect=422).json["errors"][0]["pointer"] == "/content"
    photo = upload_photo(alice, png())["media_id"]
    followed = alice.call("POST", f"/reviews/{first['id']}/follow-up",
                          {"content": "用了一周，依然满意", "images": [{"media_id": photo}]},
                          201).json
    assert followed["followup"]["content"] == "用了一周，依然满意"
    assert followed["can_follow_up"] is False
    twice = alice.call("POST", f"/reviews/{first['id']}/follow-up", {"content": "再说一次"},
                       expect=409).json
    assert twice["code"] == "followup_exists"
    assert rating(app, factory, on, a.product_id).images == 1  # the follow-up's photo counts

    factory.module_on(on, "reviews", {"followup_days": 1})
    clock.advance(timedelta(days=1, seconds=1))
    late = alice.call("POST", f"/reviews/{second['id']}/follow-up", {"content": "晚了"},
                      expect=409).json
    assert late["code"] == "followup_window_closed"
    bob = shopper(app, app.test_client(), factory, on, openid="o-bob")
    assert bob.call("POST", f"/reviews/{second['id']}/follow-up", {"content": "不是我的"},
                    expect=404).json["code"] == "review_not_found"


def test_anonymous_names_are_masked_and_text_is_plain(app, client, factory, on, alice):
    a, = products(factory, on, 1000)
    run(app, factory, on, lambda s: setattr(
        s.get(type(alice.member), alice.member.id), "nickname", "张小三"))
    order = completed_order(app, factory, on, alice, [a])
    alice.call("POST", "/reviews", review_body(
        order, anonymous=True, content="<script>alert(1)</script>很好 <b>推荐</b> a &lt; b\u202e"),
        201)
    [item] = public(client, on, a.product_id)["items"]
    assert item["nickname"] == "张***三" and item["avatar_url"] == ""
    assert "member_id" not in item
    assert item["content"] == "很好 推荐 a < b"


def test_hidden_and_unapproved_reviews_are_not_shown_nor_counted(app, client, factory, on,
                                                                  alice):
    a, = products(factory, on, 1000)
    bob = shopper(app, app.test_client(), factory, on, openid="o-bob")
    r1 = alice.call("POST", "/reviews", review_body(
        completed_order(app, factory, on, alice, [a]), stars=5), 201).json
    r2 = bob.call("POST", "/reviews", review_body(
        completed_order(app, factory, on, bob, [a]), stars=1), 201).json
    assert rating(app, factory, on, a.product_id).as_dict()["average"] == 3.0

    run(app, factory, on, service.set_hidden, r2["id"], True)
    run(app, factory, on, service.set_hidden, r2["id"], True)  # twice: counted once
    shown = public(client, on, a.product_id)
    assert [x["id"] for x in shown["items"]] == [r1["id"]]
    assert shown["rating"]["count"] == 1 and shown["rating"]["average"] == 5.0
    assert public(client, on, a.product_id, filter="bad")["items"] == []
    assert bob.call("GET", "/reviews").json["items"][0]["hidden"] is True
    run(app, factory, on, service.set_hidden, r2["id"], False)
    assert public(client, on, a.product_id, filter="bad")["total"] == 1

    factory.module_on(on, "reviews", {"require_approval": True})
    carol = shopper(app, app.test_client(), factory, on, openid="o-carol")
    r3 = carol.call("POST", "/reviews", review_body(
        completed_order(app, factory, on, carol, [a]), stars=3), 201).json
    assert r3["status"] == "pending"
    assert public(client, on, a.product_id)["total"] == 2
    run(app, factory, on, service.approve, r3["id"])
    run(app, factory, on, service.approve, r3["id"])
    assert public(client, on, a.product_id)["total"] == 3
    assert rating(app, factory, on, a.product_id) == recount(app, factory, on, a.product_id)


def test_pinned_first_then_newest_and_filters(app, client, factory, on, clock):
    a, = products(factory, on, 1000)
    ids = []
    for i, stars in enumerate((5, 2, 4, 1)):
        buyer = shopper(app, app.test_client(), factory, on, openid=f"o-{i}")
        order = completed_order(app, factory, on, buyer, [a])
        clock.advance(timedelta(minutes=1))
        ids.append(buyer.call("POST", "/reviews", review_body(order, stars=stars), 201
                              ).json["id"])
    assert [x["id"] for x in public(client, on, a.product_id)["items"]] == ids[::-1]
    run(app, factory, on, service.set_pinned, ids[1], True)
    page = public(client, on, a.product_id, per_page=2)
    assert [x["id"] for x in page["items"]] == [ids[1], ids[3]]
    assert page["items"][0]["pinned"] is True and page["total"] == 4
    assert [x["id"] for x in public(client, on, a.product_id, page=2, per_page=2)["items"]
            ] == [ids[2], ids[0]]
    assert {x["id"] for x in public(client, on, a.product_id, filter="good")["items"]
            } == {ids[0], ids[2]}
    assert [x["id"] for x in public(client, on, a.product_id, filter="bad")["items"]
            ] == [ids[1], ids[3]]
    bad = client.get(f"/api/v1/shops/{on.slug}/products/{a.product_id}/reviews",
                     query_string={"filter": "best", "per_page": 500})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.json["errors"]} == {"/filter", "/per_page"}


def test_rating_math(app, client, factory, on, clock):
    a, = products(factory, on, 1000)
    for i, stars in enumerate((5, 4, 4, 3, 1, 5, 2)):
        buyer = shopper(app, app.test_client(), factory, on, openid=f"o-{i}")
        buyer.call("POST", "/reviews", review_body(
            completed_order(app, factory, on, buyer, [a]), stars=stars), 201)
    r = public(client, on, a.product_id)["rating"]
    assert r["count"] == 7 and r["average"] == round(24 / 7, 1) == 3.4
    assert r["good_rate"] == round(100 * 4 / 7) == 57
    assert r["counts"] == {"all": 7, "images": 0, "good": 4, "bad": 2}
    assert rating(app, factory, on, a.product_id) == recount(app, factory, on, a.product_id)


def test_an_unknown_product_or_line_is_404(app, client, factory, on, alice):
    a, = products(factory, on, 1000)
    order = completed_order(app, factory, on, alice, [a])
    assert client.get(f"/api/v1/shops/{on.slug}/products/999999/reviews").status_code == 404
    body = review_body(order, line_id=order["lines"][0]["id"] + 1000)
    assert alice.call("POST", "/reviews", body, expect=404).json["code"] == "line_not_found"
    body = review_body(order, order_id=order["id"] + 1000)
    assert alice.call("POST", "/reviews", body, expect=404).json["code"] == "order_not_found"
