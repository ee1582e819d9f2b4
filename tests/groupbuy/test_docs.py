"""The worked example of docs/modules/groupbuy.md, replayed row by row: a 3人团 (group price
5900, leader 4900, 24 h) that expires with two of three seats paid."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from runtime.modules.groupbuy.groups import refund_no
from tests.aftersales.flow import drain, notify_refund, wechat_refund
from tests.groupbuy.flow import activity_stock, group_of, paid, people, setup

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "groupbuy.md"


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
    for row in rows:
        clock.advance(timedelta(days=2))
        activity, sku = setup(app, factory, shop, virtual_enabled=True,
                              virtual_min_pct=int(row["virtual_min_pct"]))
        leader, friend = people(app, client, factory, shop, f"leader{row['step']}",
                                f"friend{row['step']}")
        first = paid(app, leader, activity, sku)
        group_id = group_of(factory, shop, first["id"]).id
        second = paid(app, friend, activity, sku, group_id)
        assert [first["paid_fen"], second["paid_fen"]] == [
            int(x) for x in row["paid"].split(", ")]
        assert first["groupbuy"]["status_text"] == "拼团中"
        clock.advance(timedelta(hours=24))
        drain(app, redis_conn)  # the expiry job
        group = group_of(factory, shop, first["id"])
        assert group.status == row["outcome"]
        assert group.virtual == int(row["virtual members"])
        clock.advance(timedelta(minutes=1))
        drain(app, redis_conn)  # the after-sales refund sends
        refunds = [wechat_refund(app, refund_no(o["id"])) for o in (first, second)]
        if row["WeChat refunds"] == "—":
            assert refunds == [None, None]
        else:
            assert [r["amount"]["refund"] for r in refunds] == [
                int(x) for x in row["WeChat refunds"].split(", ")]
            for order in (first, second):
                assert notify_refund(app, refund_no(order["id"])).status == 204
            assert leader.order(first["id"])["status"] == "closed"
            assert friend.order(second["id"])["refunded_fen"] == 5900
        assert activity_stock(factory, shop, activity, sku) == int(
            row["activity stock after"])
