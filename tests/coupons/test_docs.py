"""The worked example of docs/modules/coupons.md, replayed against its table: the member
price, the coupon's threshold on the matching lines after it, each line's share."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.aftersales.flow import buyer
from tests.coupons.flow import claim, items, template
from tests.orders.flow import sku_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "coupons.md"


def example_rows() -> list[dict[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example (fen)", 1)[1]
    rows = [line.strip().strip("|").split("|") for line in text.splitlines()
            if line.startswith("|")]
    header = [cell.strip() for cell in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=True))
            for row in rows[2:]]


def test_the_worked_example(app, client, factory, shop, clock):
    clock.freeze(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
    factory.module_on(shop, "coupons")
    rows = example_rows()
    assert [r["line"] for r in rows] == ["A", "B", "C"]
    skus = {}
    for row in rows:
        price, qty = (int(x) for x in row["price × qty"].split(" × "))
        skus[row["line"]] = (sku_of(factory, shop, factory.product(shop, price_fen=price)), qty)
    alice = buyer(app, client, factory, shop)
    factory.level(shop, "金卡", 1, 0, discount_percent=95)
    coupon = claim(alice, template(app, factory, shop, scope="products", product_ids=[
        skus["A"][0].product_id, skus["B"][0].product_id]))
    quote = alice.quote(coupon_id=coupon["id"],
                        **items(*((sku.id, qty) for sku, qty in skus.values())))
    assert quote["errors"] == []
    by_sku = {line["sku_id"]: line for line in quote["lines"]}
    source = f"coupon:{coupon['id']}"
    for row in rows:
        line = by_sku[skus[row["line"]][0].id]
        after_member = line["total_fen"] - line["adjustments"]["member_level"]
        assert after_member == int(row["after the member price"]), row
        assert line["adjustments"].get(source, 0) == int(row["coupon share"]), row
        assert line["payable_fen"] == int(row["pays"]), row
    assert quote["goods_total_fen"] - quote["discount_total_fen"] == 18000

    cheaper = sku_of(factory, shop, factory.product(shop, price_fen=4000))
    other = claim(alice, template(app, factory, shop, scope="products", product_ids=[
        skus["A"][0].product_id, cheaper.product_id]))
    unusable = alice.quote(**items((skus["A"][0].id, 1), (cheaper.id, 1)))
    [row] = [c for c in unusable["extras"]["coupons"]["unusable"] if c["id"] == other["id"]]
    assert row["reason"] == "适用商品满¥100可用，还差¥5"
