"""The catalog as JSON for shoppers (mini-program API, blocks): money in integer fen,
images as URLs resolved through the media library with one query per batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import Category, Product, Sku
from runtime.modules.catalog.queries import stock_totals
from runtime.modules.catalog.taxonomy import CategoryNode

COVER_SIZE = 300
GALLERY_SIZE = 750
SKU_IMAGE_SIZE = 150
ICON_SIZE = 150


def _refs(products: Iterable[Product], skus: Iterable[Sku] = ()) -> list[Any]:
    refs: list[Any] = []
    for product in products:
        refs.extend(product.images or [])
        if product.video:
            refs.append(product.video)
    refs.extend(s.image for s in skus if s.image)
    return refs


def product_cards(session: Session, products: Sequence[Product]) -> list[dict[str, Any]]:
    """List items: what a product card shows."""
    assets = load_assets(session, _refs(products))
    stock = stock_totals(session, [p.id for p in products])
    return [{
        "id": p.id,
        "title": p.title,
        "subtitle": p.subtitle,
        "cover": media_url(p.cover, COVER_SIZE, assets=assets),
        "price_fen": p.min_price_fen,
        "max_price_fen": p.max_price_fen,
        "original_price_fen": p.original_price_fen,
        "sales": p.sales,
        "sold_out": stock.get(p.id, 0) <= 0,
    } for p in products]


def product_detail(session: Session, product: Product, skus: Sequence[Sku],
                   category: Category | None, tags: list[str]) -> dict[str, Any]:
    assets = load_assets(session, _refs([product], skus))
    return {
        "id": product.id,
        "title": product.title,
        "subtitle": product.subtitle,
        "images": [url for url in (media_url(ref, GALLERY_SIZE, assets=assets)
                                   for ref in product.images or []) if url],
        "video": media_url(product.video, assets=assets) if product.video else None,
        "description_html": product.description_html,
        "unit": product.unit,
        "weight_g": product.weight_g,
        "category": ({"id": category.id, "name": category.name} if category else None),
        "tags": tags,
        "price_fen": product.min_price_fen,
        "max_price_fen": product.max_price_fen,
        "original_price_fen": product.original_price_fen,
        "sales": product.sales,
        "stock": sum(s.stock for s in skus),
        "limit_per_order": product.limit_per_order,
        "limit_per_customer": product.limit_per_customer,
        "off_sale_at": product.off_sale_at.isoformat() if product.off_sale_at else None,
        "specs": [{"name": spec["name"], "values": list(spec["values"])}
                  for spec in product.specs or []],
        "skus": [{
            "id": s.id,
            "spec_values": list(s.spec_values),
            "price_fen": s.price_fen,
            "original_price_fen": s.original_price_fen,
            "stock": s.stock,
            "image": media_url(s.image, SKU_IMAGE_SIZE, assets=assets) if s.image else None,
        } for s in skus],
    }


def shopper_product(session: Session, product_id: int) -> dict[str, Any]:
    """The product page's data: a product on sale with its specs and SKUs (404 otherwise)."""
    from runtime.modules.catalog import products
    from runtime.modules.catalog.errors import CatalogErrorCode, not_found
    from runtime.modules.catalog.taxonomy import product_tag_names

    product = session.get(Product, product_id)
    if product is None or not products.is_visible(product):
        raise not_found("product", product_id, CatalogErrorCode.PRODUCT_NOT_FOUND)
    skus = products.product_skus(session, product.id)
    category = session.get(Category, product.category_id) if product.category_id else None
    tags = product_tag_names(session, [product.id]).get(product.id, [])
    return product_detail(session, product, skus, category, tags)


def category_tree_json(session: Session, roots: list[CategoryNode]) -> list[dict[str, Any]]:
    refs: list[Any] = []

    def collect(nodes: list[CategoryNode]) -> None:
        for node in nodes:
            refs.extend(r for r in (node.category.icon, node.category.image) if r)
            collect(node.children)
    collect(roots)
    assets = load_assets(session, refs)

    def render(nodes: list[CategoryNode]) -> list[dict[str, Any]]:
        return [{
            "id": n.category.id,
            "name": n.category.name,
            "icon": media_url(n.category.icon, ICON_SIZE, assets=assets),
            "image": media_url(n.category.image, GALLERY_SIZE, assets=assets),
            "children": render(n.children),
        } for n in nodes]
    return render(roots)


def _image_json(ref: dict[str, Any] | None, assets: dict[int, Any], size: int) -> Any:
    if not ref:
        return None
    return {"ref": ref, "url": media_url(ref, size, assets=assets)}


def product_admin_json(session: Session, product: Product) -> dict[str, Any]:
    """Everything the console's product form edits (references *and* preview URLs)."""
    from runtime.modules.catalog.products import product_skus
    from runtime.modules.catalog.taxonomy import product_group_ids, product_tag_names

    skus = product_skus(session, product.id)
    assets = load_assets(session, _refs([product], skus))
    return {
        "id": product.id, "code": product.code, "title": product.title,
        "subtitle": product.subtitle, "category_id": product.category_id,
        "images": [_image_json(ref, assets, COVER_SIZE) for ref in product.images or []],
        "video": _image_json(product.video, assets, GALLERY_SIZE),
        "description_html": product.description_html, "unit": product.unit,
        "weight_g": product.weight_g, "status": product.status,
        "on_sale_at": product.on_sale_at.isoformat() if product.on_sale_at else None,
        "off_sale_at": product.off_sale_at.isoformat() if product.off_sale_at else None,
        "sales_count": product.sales_count, "sales_base": product.sales_base,
        "limit_per_order": product.limit_per_order,
        "limit_per_customer": product.limit_per_customer, "sort_weight": product.sort_weight,
        "tags": product_tag_names(session, [product.id]).get(product.id, []),
        "group_ids": product_group_ids(session, product.id),
        "specs": [{"name": s["name"], "values": list(s["values"])} for s in product.specs or []],
        "skus": [{
            "id": s.id, "spec_values": list(s.spec_values), "price_fen": s.price_fen,
            "original_price_fen": s.original_price_fen, "cost_fen": s.cost_fen,
            "stock": s.stock, "code": s.code, "barcode": s.barcode, "weight_g": s.weight_g,
            "low_stock_threshold": s.low_stock_threshold,
            "image": _image_json(s.image, assets, SKU_IMAGE_SIZE),
        } for s in skus],
    }
