"""Demo data of the points mall: switched on, three demo goods exchangeable (one for points
only, two for points plus cash) and a custom page ``pointsmall`` (积分商城) holding the
points-mall grid, which the demo home page's 会员好礼 / 积分兑好物 entries link to.
Idempotent: items are added only for SKUs not in the mall yet, the page only once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.modules.catalog.products import skus_of
from runtime.modules.catalog.queries import ProductFilter, list_products
from runtime.modules.pointsmall import service
from runtime.shops.models import Shop

PAGE_SLUG = "pointsmall"
# (points, cash in fen, exchange stock, limit per member) for the first demo products
OFFERS = [(500, 0, 50, 2), (800, 990, 30, 1), (1500, 1990, 20, 1)]


def mall_page(title: str) -> dict[str, object]:
    return {"schema": 1, "title": title, "kind": "custom", "blocks": [
        {"id": "pm-title", "type": "title", "version": 2,
         "settings": {"title": "积分兑好物", "subtitle": "积分当钱花，好礼换不停"}},
        {"id": "pm-grid", "type": "points-mall-grid", "version": 1,
         "settings": {"title": "全部兑换商品", "limit": 20, "show_more": False}}]}


def seed_demo_pointsmall(session: Session, shop: Shop) -> None:
    if not switches.is_enabled(session, "pointsmall"):
        switches.enable(session, "pointsmall")
    taken = {item.sku_id for item in service.console_items(session)}
    products = list_products(session, ProductFilter(), sort="default", limit=len(OFFERS)).items
    skus = skus_of(session, [p.id for p in products])
    for product, (points, cash_fen, stock, limit) in zip(products, OFFERS, strict=False):
        sku = next(iter(skus[product.id]), None)
        if sku is None or sku.id in taken:
            continue
        service.create_item(session, {"sku_id": sku.id, "points": points, "cash_fen": cash_fen,
                                      "stock": stock, "limit_per_member": limit})
    _publish_page(session)


def _publish_page(session: Session) -> None:
    from runtime.extension import state
    from runtime.pages import store

    registries = state().registries["pages"]
    if store.find_page(session, PAGE_SLUG) is not None:
        return
    page = store.create_page(session, PAGE_SLUG, registries=registries)
    page = store.save_draft(session, PAGE_SLUG, mall_page("积分商城"), page.draft_revision,
                            registries)
    store.publish(session, PAGE_SLUG, registries=registries)
