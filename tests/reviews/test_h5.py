"""The H5 review screens: the completed order's 去评价 button leads to 评价中心, where the
buyer writes a review with a photo in Chromium; 全部评价 filters and pages a product's
reviews; both pages vanish with the module and never show another shop's product."""

from __future__ import annotations

import pytest

from tests.browser_support import log_in_h5, require_chromium, serving
from tests.orders.flow import shopper
from tests.orders.test_h5_browser import in_browser
from tests.reviews.flow import completed_order, png, products, review_body


def test_pages_follow_the_module_and_the_shop(app, client, factory, shop, clock):
    a, = products(factory, shop, 1000)
    assert client.get(f"/s/{shop.slug}/reviews").status_code == 404
    factory.module_on(shop, "reviews")
    page = client.get(f"/s/{shop.slug}/reviews?order=5")
    assert page.status_code == 200 and 'data-page="reviews-mine"' in page.get_data(as_text=True)
    assert f'/s/{shop.slug}/_reviews-static/reviews.js' in page.get_data(as_text=True)
    assert client.get(f"/s/{shop.slug}/_reviews-static/reviews.js").status_code == 200
    product_page = client.get(f"/s/{shop.slug}/products/{a.product_id}/reviews")
    assert product_page.status_code == 200
    beta = factory.shop(slug="beta")
    factory.module_on(beta, "reviews")
    assert client.get(f"/s/beta/products/{a.product_id}/reviews").status_code == 404


def test_the_order_detail_counts_lines_to_review(app, client, factory, shop, clock):
    factory.module_on(shop, "reviews")
    a, b = products(factory, shop, 1000, 2000)
    alice = shopper(app, client, factory, shop)
    order = completed_order(app, factory, shop, alice, [a, b])
    assert order["review"] == {"to_review": 2, "reviewed": 0}
    alice.call("POST", "/reviews", review_body(order), 201)
    assert alice.order(order["id"])["review"] == {"to_review": 1, "reviewed": 1}


@pytest.mark.browser
def test_write_a_review_with_a_photo_in_the_browser(app, client, factory, shop, clock,
                                                     tmp_path):
    require_chromium()
    factory.module_on(shop, "reviews")
    a, = products(factory, shop, 1000)
    alice = shopper(app, client, factory, shop, openid="o-h5")
    order = completed_order(app, factory, shop, alice, [a])
    photo = tmp_path / "photo.png"
    photo.write_bytes(png((30, 160, 90), 120))

    with serving(app) as live_url:
        def steps(phone):
            phone.goto(f"{live_url}/s/{shop.slug}/orders/{order['id']}")
            log_in_h5(phone, live_url, shop.slug, alice.token)
            phone.reload()
            phone.click("text=去评价")
            phone.wait_for_url(f"**/reviews?order={order['id']}")
            phone.click("text=写评价")
            phone.check("input[name=stars][value='4']")
            phone.fill("textarea[name=content]", "<b>颜色</b>很正，尺码合适")
            phone.set_input_files("input[name=photos]", str(photo))
            phone.wait_for_selector("[data-previews] img")
            phone.check("input[name=anonymous]")
            phone.click("text=提交")
            phone.wait_for_selector("text=没有待评价的商品")
            mine = phone.inner_text("[data-mine]")
            assert "颜色很正，尺码合适" in mine and "<b>" not in mine and "★★★★☆" in mine

            phone.goto(f"{live_url}/s/{shop.slug}/products/{a.product_id}/reviews")
            phone.wait_for_selector("[data-review]")
            assert "4 分 · 好评率 100%" in phone.inner_text("[data-rating]")
            phone.click("[data-filter=bad]")
            phone.wait_for_selector("text=暂无评价")
            phone.click("[data-filter=images]")
            phone.wait_for_selector(".mk-review-photos img")

        in_browser(steps)
    [review] = alice.call("GET", "/reviews").json["items"]
    assert (review["stars"], review["anonymous"], len(review["images"])) == (4, True, 1)
