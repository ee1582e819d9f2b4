"""Seckill slots and activities: validation with pointers, overlap and midnight, the SKU
table against the catalog, and when the price holds (shop time, slot boundaries)."""

from __future__ import annotations

from datetime import date

import pytest

from runtime.errors import Conflict, ValidationFailed
from runtime.modules.seckill import service
from runtime.modules.seckill.models import SeckillActivity
from tests.seckill.helpers import SH, at, example, sku_of


def _pointers(exc) -> set[str]:
    return {e.pointer for e in exc.value.errors}


def test_slots_never_overlap_nor_cross_midnight(shop_session):
    s = shop_session
    service.save_slot(s, {"name": "10点场", "start": "10:00", "end": "12:00"})
    service.save_slot(s, {"name": "12点场", "start": "12:00", "end": "14:00"})  # touching
    with pytest.raises(Conflict) as overlap:
        service.save_slot(s, {"name": "午间", "start": "11:30", "end": "12:30"})
    assert overlap.value.code == "seckill_slot_overlap"
    with pytest.raises(ValidationFailed) as midnight:
        service.save_slot(s, {"name": "夜场", "start": "23:00", "end": "01:00"})
    assert _pointers(midnight) == {"/end"}
    with pytest.raises(ValidationFailed) as bad:
        service.save_slot(s, {"name": "", "start": "7:00", "end": "24:30", "x": 1})
    assert _pointers(bad) == {"/name", "/start", "/end", "/x"}
    late = service.save_slot(s, {"name": "夜场", "start": "22:00", "end": "24:00"})
    assert service.slot_json(late) == {"id": late.id, "name": "夜场", "start": "22:00",
                                       "end": "24:00"}
    with pytest.raises(Conflict) as taken:
        service.save_slot(s, {"name": "夜场", "start": "20:00", "end": "21:00"})
    assert taken.value.code == "seckill_slot_name_taken"


def test_activity_validation_names_every_field(app, factory, shop, shop_session):
    ids = example(app, factory, shop)
    s = shop_session
    other = factory.product(shop, "另一个", price_fen=1000, stock=5)
    with pytest.raises(ValidationFailed) as bad:
        service.save_activity(s, {
            "title": "", "starts_on": "2026-12-07", "ends_on": "2026-12-06",
            "slot_ids": [999], "unpaid_timeout_minutes": 0,
            "skus": [{"sku_id": sku_of(s, other.id), "seckill_price_fen": 1000, "stock": 6},
                     {"sku_id": 424242, "seckill_price_fen": 1, "stock": 1},
                     {"sku_id": ids["sku_id"], "seckill_price_fen": 100, "stock": 1,
                      "per_order_limit": 3, "per_user_limit": 2}]})
    assert _pointers(bad) == {"/title", "/ends_on", "/slot_ids/0", "/unpaid_timeout_minutes",
                              "/skus/0/seckill_price_fen", "/skus/0/stock", "/skus/1/sku_id",
                              "/skus/2/per_user_limit"}
    codes = {e.pointer: e.code for e in bad.value.errors}
    assert codes["/skus/0/stock"] == "seckill_stock_above_sku"


def test_defaults_limits_and_timeout(app, factory, shop, shop_session):
    factory.module_on(shop, "seckill")
    product = factory.product(shop, price_fen=500, stock=3)
    slot = service.save_slot(shop_session, {"name": "早场", "start": "08:00", "end": "09:00"})
    view = service.save_activity(shop_session, {
        "title": "早鸟", "starts_on": "2026-12-01", "ends_on": "2026-12-01",
        "slot_ids": [slot.id],
        "skus": [{"sku_id": sku_of(shop_session, product.id), "seckill_price_fen": 99,
                  "stock": 3}]})
    row = view.skus[0]
    assert (row.per_order_limit, row.per_user_limit, row.stock, row.total_stock) == (1, 1, 3, 3)
    assert view.activity.unpaid_timeout_minutes == 10


@pytest.mark.parametrize(("moment", "state", "slot", "starts", "ends"), [
    ((2026, 12, 5, 9, 59, 59), "not_started", 0, "10:00", "12:00"),
    ((2026, 12, 5, 10, 0, 0), "running", 0, "10:00", "12:00"),
    ((2026, 12, 5, 11, 59, 59), "running", 0, "10:00", "12:00"),
    ((2026, 12, 5, 12, 0, 0), "running", 1, "12:00", "14:00"),
    ((2026, 12, 5, 14, 0, 0), "not_started", 0, "10:00", "12:00"),  # the next day's 10点场
    ((2026, 12, 6, 13, 59, 59), "running", 1, "12:00", "14:00"),
    ((2026, 12, 6, 14, 0, 0), "ended", 1, "12:00", "14:00"),
    ((2026, 12, 1, 8, 0, 0), "not_started", 0, "10:00", "12:00"),
])
def test_timing_by_shop_time_and_slot_boundaries(app, factory, shop, shop_session, clock,
                                                 moment, state, slot, starts, ends):
    ids = example(app, factory, shop)
    now = at(clock, *moment)
    view = service.get_activity(shop_session, ids["activity_id"])
    t = view.timing(SH, now)
    assert (t.state, t.window.slot_id) == (state, ids["slots"][slot])
    assert t.window.starts_at.astimezone(SH).strftime("%H:%M") == starts
    assert t.window.ends_at.astimezone(SH).strftime("%H:%M") == ends


def test_switched_off_activity_never_prices(app, factory, shop, shop_session, clock):
    ids = example(app, factory, shop)
    now = at(clock, 2026, 12, 5, 10, 30)
    activity = shop_session.get(SeckillActivity, ids["activity_id"])
    activity.enabled = False
    assert service.get_activity(shop_session, ids["activity_id"]).timing(SH, now).state == "off"
    assert activity.starts_on == date(2026, 12, 5)


def test_slot_in_use_cannot_be_deleted(app, factory, shop, shop_session):
    ids = example(app, factory, shop)
    with pytest.raises(Conflict) as used:
        service.delete_slot(shop_session, ids["slots"][0])
    assert used.value.code == "seckill_slot_in_use"
