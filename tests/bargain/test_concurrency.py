"""Helpers racing on one launch, each thread its own session and transaction (PostgreSQL:
the launch row lock; SQLite: BEGIN IMMEDIATE): never a cut below the floor, never two cuts
by one helper, and the cuts that won sum exactly to start − floor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.db import use_shop
from runtime.errors import MallkitError
from runtime.modules.bargain import launches
from runtime.modules.bargain.errors import BargainErrorCode
from runtime.modules.bargain.models import BargainCut
from tests.bargain.flow import in_shop, launch_row, read, setup
from tests.concurrency import run_in_threads
from tests.orders.test_locks import first, lock_of, watch


def _launched(app, factory, shop, **rules) -> tuple[int, list[int]]:
    activity, _sku = setup(app, factory, shop, self_cut=False, **rules)
    launcher = factory.member(shop, openid="o-launcher")
    helpers = [factory.member(shop, openid=f"o-helper-{i}").id for i in range(12)]
    made = in_shop(app, factory, shop, lambda s: launches.launch(s, activity.id,
                                                                  launcher.id).launch.id)
    return made, helpers


def codes(outcomes) -> list[str]:
    return sorted(o.code if isinstance(o, MallkitError) else "cut" for o in outcomes)


def test_twelve_helpers_racing_for_five_cuts(app, factory, shop):
    launch_id, helpers = _launched(app, factory, shop, helpers_needed=5)
    outcomes = run_in_threads(app, shop.id, lambda s, i: launches.help_cut(
        s, launch_id, helpers[i]).amount_fen, 12)
    assert codes(outcomes) == sorted(["cut"] * 5 + [BargainErrorCode.FINISHED.value] * 7)
    row = launch_row(factory, shop, launch_id)
    assert (row.price_fen, row.cuts, row.status) == (3000, 5, "floor")
    amounts = read(factory, shop, lambda s: list(s.scalars(select(BargainCut.amount_fen).where(
        BargainCut.launch_id == launch_id))))
    assert sum(amounts) == 7000 and sorted(amounts) == sorted(
        o for o in outcomes if isinstance(o, int))


def test_one_helper_cutting_eight_times_at_once_cuts_once(app, factory, shop):
    launch_id, helpers = _launched(app, factory, shop, helpers_needed=5)
    outcomes = run_in_threads(app, shop.id, lambda s, i: launches.help_cut(
        s, launch_id, helpers[0]).amount_fen, 8)
    assert codes(outcomes) == sorted(["cut"] + [BargainErrorCode.ALREADY_HELPED.value] * 7)
    row = launch_row(factory, shop, launch_id)
    assert row.cuts == 1 and row.price_fen == 10000 - next(
        o for o in outcomes if isinstance(o, int))


@pytest.mark.postgres
def test_a_cut_locks_the_launch_before_writing(app, factory, shop):
    launch_id, helpers = _launched(app, factory, shop, helpers_needed=5)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        with watch(s) as sql:
            launches.help_cut(s, launch_id, helpers[0])
            s.commit()
    lock = first(sql, lock_of("bargain_launches"))
    assert lock < first(sql, r"^INSERT INTO bargain_cuts ")
    assert lock < first(sql, r"^UPDATE bargain_launches ")
