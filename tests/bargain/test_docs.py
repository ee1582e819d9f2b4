"""The worked example of docs/modules/bargain.md, replayed row by row through the API: the
launch (self-cut) and four friends with the documented draws, the price after each cut, and
a sixth helper refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.modules.bargain import cutting
from tests.bargain.flow import cuts, help_cut, launch, people, quote_launch, setup
from tests.bargain.test_cutting import Draws

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "bargain.md"


def example_rows() -> list[dict[str, str]]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example (fen)", 1)[1]
    text = text.split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in text.splitlines()
            if line.startswith("|")]
    header = [cell.strip() for cell in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row), strict=True))
            for row in rows[2:]]


def test_the_worked_example(app, client, factory, shop, monkeypatch):
    rows = example_rows()
    assert [r["cut"] for r in rows] == ["1", "2", "3", "4", "5"]
    draws = Draws(*(int(r["draw (bp)"]) for r in rows if r["draw (bp)"] != "—"))
    monkeypatch.setattr(cutting, "default_rng", lambda: draws)
    activity, sku = setup(app, factory, shop, price_fen=10000, floor_price_fen=3000,
                          helpers_needed=5, self_cut=True)
    launcher, *friends = people(app, client, factory, shop, "launcher", "f1", "f2", "f3",
                                "f4", "f5")
    made = launch(launcher, activity).json
    assert (made["helpers"][0]["amount_fen"], made["price_fen"]) == (
        int(rows[0]["cut_fen"]), int(rows[0]["price after"]))
    for row, friend in zip(rows[1:], friends, strict=False):
        cut = help_cut(friend, made["id"]).json
        assert (cut["amount_fen"], cut["price_after_fen"]) == (
            int(row["cut_fen"]), int(row["price after"])), row
        if row["cut"] == "2":
            quote = quote_launch(launcher, sku, made["id"])
            assert quote.status_code == 200 and quote.json["lines"][0]["payable_fen"] == 6153
    assert sum(cuts(factory, shop, made["id"])) == 7000
    refused = help_cut(friends[-1], made["id"], expect=409)
    assert refused.json["code"] == "bargain_finished"
    assert refused.json["type"].endswith("/bargain_finished")


@pytest.mark.parametrize("row", [0, 4])
def test_the_table_is_consistent(row):
    r = example_rows()[row]
    assert int(r["remaining"]) - int(r["cut_fen"]) + 3000 == int(r["price after"])
