"""SQL statements per quote stay constant as lines and promotions grow: the discount step
reads its items in one query (plus one for the member's limits when a discount has one),
the full-reduction step its rules in one."""

from __future__ import annotations

from tests.orders.flow import shopper, sku_of
from tests.promotions.helpers import Console, window
from tests.sqlcount import counting


def _quote_statements(app, alice, skus) -> int:
    body = {"source": "items", "items": [{"sku_id": s.id, "qty": 1} for s in skus]}
    alice.quote(**body)  # warm: token, settings
    with counting(app) as counted:
        alice.quote(**body)
    return len(counted.statements)


def test_statements_per_quote_do_not_grow_with_lines_or_promotions(app, client, factory,
                                                                  shop, clock):
    factory.module_on(shop, "promotions")
    skus = [sku_of(factory, shop, factory.product(shop, f"商品{i}", price_fen=1000 + i,
                                                  stock=9)) for i in range(8)]
    console = Console(client, factory, shop)
    console.discount([{"sku_id": skus[0].id, "mode": "percent", "value": 80}],
                     per_member_limit=5)
    console.reduction([{"threshold": 1000, "discount_fen": 100}])
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    small = _quote_statements(app, alice, skus[:2])

    for i, sku in enumerate(skus[1:], start=1):
        console.discount([{"sku_id": sku.id, "mode": "amount_off", "value": 10 + i}],
                         per_member_limit=3, **window(-1, 24 + i))
    for i in range(3):
        console.reduction([{"threshold": 2000 + i, "discount_fen": 50}], scope="include",
                          product_ids=[skus[i].product_id])
    large = _quote_statements(app, alice, skus)
    assert large == small
