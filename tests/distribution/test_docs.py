"""The worked example of docs/modules/distribution.md, replayed row by row: level 2 -> level 1
-> buyer, one line of 10000 + freight 800, 10 % / 5 %, 7 days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.distribution.flow import (
    balances,
    chain,
    commissions,
    drain,
    freight,
    receive,
    reconciled,
    refund,
    sku_of,
    switch_on,
    wechat_paid,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "distribution.md"


def example_rows() -> list[dict[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example (fen)", 1)[1]
    text = text.split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in text.splitlines()
            if line.startswith("|")]
    header = [cell.strip() for cell in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=True))
            for row in rows[2:]]


def test_the_worked_example(app, client, factory, shop, clock, redis_conn):
    rows = example_rows()
    assert [r["event"] for r in rows] == ["paid", "received", "refund of 4000",
                                          "settlement job", "refund of 2000"]
    switch_on(factory, shop)
    freight(app, factory, shop, 800)
    sku = sku_of(factory, shop, factory.product(shop, "商品", price_fen=10000, stock=5))
    a, b, c = chain(app, client, factory, shop)
    start = clock.now()
    order = None
    for row in rows:
        clock.freeze(start + timedelta(days=int(row["day"]), minutes=5))
        event = row["event"]
        if event == "paid":
            order = wechat_paid(app, c, [(sku.id, 1)])
            assert (order["paid_fen"], order["shipping_fen"]) == (10800, 800)
            drain(app, redis_conn)
        elif event == "received":
            receive(c, app, factory, shop, order["id"])
            drain(app, redis_conn)
        elif event.startswith("refund of"):
            refund(app, factory, shop, redis_conn, clock, order["id"], order["lines"][0]["id"],
                   int(event.split()[-1]))
        else:
            drain(app, redis_conn)
        assert commissions(factory, shop, order["id"]) == [
            (b.member.id, 1, int(row["B (level 1)"]), row["status"]),
            (a.member.id, 2, int(row["A (level 2)"]), row["status"])], row
        assert reconciled(factory, shop)
    assert balances(factory, shop, b.member.id) == (0, 400, 0, 0)
    assert balances(factory, shop, a.member.id) == (0, 200, 0, 0)
