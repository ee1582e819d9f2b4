"""Reviews across shops: shop B's member, token or console reaches none of shop A's
reviews, lines or photos, and nothing of A changes."""

from __future__ import annotations

from runtime.modules.reviews.models import Review, ReviewSlot
from tests.reviews.flow import completed_order, png, products, review_body, upload_photo
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_read_or_write_reviews(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "reviews")
    a, = products(factory, shops.a, 1000)
    order = completed_order(app, factory, shops.a, shops.alice, [a])
    photo = upload_photo(shops.alice, png())["media_id"]
    review = shops.alice.call("POST", "/reviews", review_body(
        order, images=[{"media_id": photo}]), 201).json

    # Bob (shop B) names A's order, line, photo and review through B's address
    body = review_body(order)
    assert shops.bob.call("POST", "/reviews", body, expect=404).json["code"] == "order_not_found"
    assert shops.bob.call("POST", f"/reviews/{review['id']}/follow-up", {"content": "x"},
                          expect=404).json["code"] == "review_not_found"
    assert shops.bob.call("GET", "/reviews").json == {"items": [], "to_review": []}
    assert client.get(f"/api/v1/shops/{shops.b.slug}/products/{a.product_id}/reviews"
                      ).status_code == 404
    # Alice's token at B's address is nobody there
    assert shops.foreign_token_call("POST", "/reviews", body).status_code == 401
    assert shops.foreign_token_call("GET", "/reviews").status_code == 401

    b, = products(factory, shops.b, 1000)
    bob_order = completed_order(app, factory, shops.b, shops.bob, [b])
    refused = shops.bob.call("POST", "/reviews", review_body(
        bob_order, images=[{"media_id": photo}]), expect=422).json
    assert refused["errors"][0]["pointer"] == "/images/0/media_id"

    # B's merchant console sees none of A's reviews and cannot moderate them
    owner = factory.merchant(shops.b)
    token = factory.console_login(client, owner)
    listed = client.get(f"/console/shops/{shops.b.slug}/reviews",
                        headers={"Accept": "application/json"}).json
    assert listed["items"] == []
    hidden = client.post(f"/console/shops/{shops.b.slug}/reviews/{review['id']}/hide",
                         headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert hidden.status_code == 404
    assert (shops.count(shops.a, Review), shops.count(shops.b, Review)) == (1, 0)
    assert shops.count(shops.b, ReviewSlot) == 1
    shown = client.get(f"/api/v1/shops/{shops.a.slug}/products/{a.product_id}/reviews").json
    assert [x["id"] for x in shown["items"]] == [review["id"]]
