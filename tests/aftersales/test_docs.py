"""The worked example of docs/modules/aftersales.md, replayed row by row against its table
(amounts, freight, WeChat refund, refunded so far, refund status, points, order status)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from runtime.modules.aftersales import service
from runtime.modules.fulfilment import service as fulfilment
from tests.aftersales.flow import (
    MERCHANT,
    aftersale,
    buyer,
    drain,
    in_shop,
    notify_refund,
    points,
    sku_of,
    wechat_paid,
    wechat_refund,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "aftersales.md"


def example_rows() -> list[dict[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example (fen)", 1)[1]
    rows = [line.strip().strip("|").split("|") for line in text.splitlines()
            if line.startswith("|")]
    header = [cell.strip() for cell in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=True))
            for row in rows[2:]]


def test_the_worked_example(app, client, factory, shop, clock, redis_conn):
    rows = example_rows()
    assert [r["step"] for r in rows] == ["1", "2"]
    in_shop(app, factory, shop, fulfilment.create_template, {
        "name": "每单 8 元", "charge_by": "piece", "rules": [
            {"regions": [], "first_units": 1, "first_fee_fen": 800, "extra_units": 1,
             "extra_fee_fen": 0}]})
    skus = {"A": sku_of(factory, shop, factory.product(shop, "A", price_fen=4000, stock=5)),
            "B": sku_of(factory, shop, factory.product(shop, "B", price_fen=6000, stock=5))}
    alice = buyer(app, client, factory, shop)
    order = wechat_paid(app, alice, [(skus["A"].id, 1), (skus["B"].id, 1)])
    assert (order["paid_fen"], order["shipping_fen"]) == (10800, 800)
    drain(app, redis_conn)
    assert points(factory, shop, alice.member.id) == 108
    lines = {name: next(x for x in order["lines"] if x["sku_id"] == sku.id)
             for name, sku in skus.items()}
    taken = 0
    for row in rows:
        line = lines[row["line"]]
        if row["who"].startswith("buyer"):
            made = alice.call("POST", "/aftersales", {
                "order_id": order["id"], "line_id": line["id"], "kind": "refund",
                "amount_fen": int(row["amount_fen"]), "reason": "文档示例"}, 201).json
            in_shop(app, factory, shop, service.agree, made["id"], MERCHANT)
            aid, no = made["id"], made["no"]
        else:
            [request] = in_shop(app, factory, shop, service.merchant_refund, order["id"],
                                [{"line_id": line["id"]}], "文档示例", MERCHANT)
            aid, no = request.id, request.no
        clock.advance(timedelta(minutes=1))
        drain(app, redis_conn)
        request = aftersale(factory, shop, aid)
        assert (request.amount_fen, request.freight_fen) == (int(row["amount_fen"]),
                                                            int(row["freight_fen"]))
        assert wechat_refund(app, no)["amount"]["refund"] == int(row["WeChat refund"])
        assert notify_refund(app, no).status == 204
        detail = alice.order(order["id"])
        assert detail["refunded_fen"] == int(row["refunded_fen"])
        assert detail["refund_status"] == row["refund_status"]
        assert detail["status"] == row["order"]
        taken += int(row["points taken back"])
        assert points(factory, shop, alice.member.id) == 108 - taken
