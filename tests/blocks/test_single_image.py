"""single-image: one image, linked as a whole when a link is set."""

from __future__ import annotations

from tests.page_helpers import block, page_config


def test_a_single_image_links_as_a_whole(client, factory, shop):
    product = factory.product(shop, "图中商品")
    image = {"url": "https://cdn.example.com/spring.jpg", "alt": "春季上新"}
    factory.publish_page(shop, page_config(
        block("pic", "single-image", image=image, link={"kind": "product",
                                                         "product_id": product.id},
              style="card", radius=8, spacing=6),
        block("plain", "single-image", image=image)))
    html = client.get("/s/alpha/").get_data(as_text=True)
    linked = html.split('data-block-id="pic"')[1].split('data-block-id="plain"')[0]
    assert f'href="/s/alpha/pages/product?id={product.id}"' in linked
    assert 'alt="春季上新"' in linked and "border-radius:8px" in linked
    plain = html.split('data-block-id="plain"')[1]
    assert "<a " not in plain.split("</section>")[0]
    node = client.get("/api/v1/shops/alpha/layouts/home").json["nodes"][0]
    assert node["props"]["image"]["url"] == image["url"] and node["props"]["radius"] == 8
