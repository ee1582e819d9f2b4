"""The demo catalog: 40+ products across the demo categories, with specs, prices, stock and
locally drawn pictures; seeding twice creates nothing new."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.media.models import MediaAsset
from runtime.modules.catalog import demo, taxonomy
from runtime.modules.catalog.models import Product, Sku, StockLedgerEntry


def _counts(session):
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Product, Sku, StockLedgerEntry, MediaAsset))


def test_demo_catalog_is_realistic_and_idempotent(app, factory, client):
    shop = factory.shop(slug="demo", name="演示商城")
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        use_shop(s, shop.id)
        assert demo.seed_demo_catalog(s, shop) == len(demo.PRODUCTS)
        s.commit()
        first = _counts(s)
        assert demo.seed_demo_catalog(s, shop) == 0
        s.commit()
        assert _counts(s) == first

        tops = [n.category.name for n in taxonomy.category_tree(s)]
        assert tops == ["女装", "男装", "鞋包", "美妆", "食品", "家居", "数码"]
        assert first[0] >= 40
        all_products = s.scalars(select(Product)).all()
        assert sum(1 for p in all_products if p.specs) >= 30
        assert all(p.images and p.min_price_fen > 0 and p.category_id for p in all_products)
        counts = taxonomy.group_product_counts(s)
        assert all(counts[g.id] > 0 for g in taxonomy.list_groups(s))
        cover = s.scalar(select(Product).where(Product.code == "DEMO-W01")).images[0]
        asset = s.get(MediaAsset, cover["media_id"])
        assert (asset.width, asset.height) == (800, 800)
        s.rollback()

    listing = client.get("/api/v1/shops/demo/products?limit=50").json["items"]
    assert len(listing) >= 40
    assert all(item["cover"] and item["price_fen"] > 0 for item in listing)
    dress = client.get("/api/v1/shops/demo/products?keyword=裙").json["items"]
    assert {i["title"] for i in dress} == {"法式碎花连衣裙", "针织吊带长裙", "复古格纹衬衫裙"}
    detail = client.get(f"/api/v1/shops/demo/products/{dress[0]['id']}").json
    assert len(detail["specs"]) == 2 and len(detail["skus"]) >= 6
    assert all(sku["image"] for sku in detail["skus"])  # colour swatches


def test_product_cards_are_drawn_locally():
    data = demo.product_card("法式碎花连衣裙", "收腰显瘦", "女装", "#e86a8d")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (800, 800)
    assert demo.product_card("法式碎花连衣裙", "收腰显瘦", "女装", "#e86a8d") == data
    assert len(image.getcolors(maxcolors=1 << 20)) > 50  # gradient, disc and text: not flat
