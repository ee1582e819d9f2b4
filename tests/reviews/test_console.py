"""评价管理 in the console: the nav entry and screen exist only while the module is on; the
list filters by product, stars, photos, hidden and approval; reply, hide / show, pin and
approve need the CSRF token, change what shoppers see, and every text is escaped."""

from __future__ import annotations

from tests.orders.flow import shopper
from tests.reviews.flow import completed_order, png, products, review_body, upload_photo


def reviews_url(shop, path=""):
    return f"/console/shops/{shop.slug}/reviews{path}"


def test_the_screen_exists_only_while_the_module_is_on(app, client, factory, shop):
    token = factory.console_login(client, factory.merchant(shop))
    assert client.get(reviews_url(shop)).status_code == 404
    assert "评价管理" not in client.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
    factory.module_on(shop, "reviews")
    home = client.get(f"/console/shops/{shop.slug}/").get_data(as_text=True)
    assert "评价管理" in home and reviews_url(shop) in home
    page = client.get(reviews_url(shop))
    assert page.status_code == 200 and "还没有评价" in page.get_data(as_text=True)
    assert token


def test_moderation_filters_and_actions(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, b = products(factory, shop, 1000, 2000)
    alice = shopper(app, app.test_client(), factory, shop, openid="o-alice")
    order = completed_order(app, factory, shop, alice, [a, b])
    photo = upload_photo(alice, png())["media_id"]
    bad = alice.call("POST", "/reviews", review_body(
        order, 0, stars=1, content="<script>alert('x')</script>太差了",
        images=[{"media_id": photo}]), 201).json
    good = alice.call("POST", "/reviews", review_body(order, 1, stars=5), 201).json
    token = factory.console_login(client, factory.merchant(shop))

    html = client.get(reviews_url(shop)).get_data(as_text=True)
    assert "太差了" in html and "<script>alert" not in html
    listed = client.get(reviews_url(shop), query_string={"stars": "1", "images": "yes"},
                        headers={"Accept": "application/json"}).json
    assert [r["id"] for r in listed["items"]] == [bad["id"]]
    listed = client.get(reviews_url(shop), query_string={"product_id": str(b.product_id)},
                        headers={"Accept": "application/json"}).json
    assert [r["id"] for r in listed["items"]] == [good["id"]]

    # every post needs the CSRF token
    assert client.post(reviews_url(shop, f"/{bad['id']}/hide")).status_code == 403
    back = reviews_url(shop) + "?stars=1"
    done = client.post(reviews_url(shop, f"/{bad['id']}/hide?next={back}"),
                       data={"csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith(back)
    public = client.get(f"/api/v1/shops/{shop.slug}/products/{a.product_id}/reviews").json
    assert public["items"] == [] and public["rating"]["count"] == 0
    hidden = client.get(reviews_url(shop), query_string={"hidden": "yes"},
                        headers={"Accept": "application/json"}).json
    assert [r["id"] for r in hidden["items"]] == [bad["id"]]
    client.post(reviews_url(shop, f"/{bad['id']}/show"), data={"csrf_token": token})

    replied = client.post(reviews_url(shop, f"/{bad['id']}/reply"),
                          json={"reply": "抱歉，<b>已为您换货</b>"},
                          headers={"X-CSRF-Token": token, "Accept": "application/json"}).json
    assert replied["reply"] == "抱歉，已为您换货"
    too_long = client.post(reviews_url(shop, f"/{bad['id']}/reply"), json={"reply": "长" * 501},
                           headers={"X-CSRF-Token": token, "Accept": "application/json"})
    assert too_long.status_code == 422 and too_long.json["errors"][0]["pointer"] == "/reply"
    pinned = client.post(reviews_url(shop, f"/{good['id']}/pin"),
                         headers={"X-CSRF-Token": token, "Accept": "application/json"}).json
    assert pinned["pinned"] is True
    public = client.get(f"/api/v1/shops/{shop.slug}/products/{a.product_id}/reviews").json
    assert public["items"][0]["reply"] == "抱歉，已为您换货"
    html = client.get(reviews_url(shop)).get_data(as_text=True)
    assert "取消置顶</button>" in html and "恢复展示</button>" not in html

    factory.module_on(shop, "reviews", {"require_approval": True})
    carol = shopper(app, app.test_client(), factory, shop, openid="o-carol")
    pending = carol.call("POST", "/reviews", review_body(
        completed_order(app, factory, shop, carol, [a]), stars=4), 201).json
    waiting = client.get(reviews_url(shop), query_string={"pending": "yes"},
                         headers={"Accept": "application/json"}).json
    assert [r["id"] for r in waiting["items"]] == [pending["id"]]
    assert "通过审核" in client.get(reviews_url(shop)).get_data(as_text=True)
    client.post(reviews_url(shop, f"/{pending['id']}/approve"), data={"csrf_token": token})
    public = client.get(f"/api/v1/shops/{shop.slug}/products/{a.product_id}/reviews").json
    assert public["rating"]["count"] == 2
