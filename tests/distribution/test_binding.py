"""Binding modes (first, registration, latest, expiring) with the lock period; self and cycles
refused; an order keeps the uplines it snapshotted after rebinding; the merchant's change of
referrer is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from runtime.audit.models import AuditEvent
from runtime.audit.service import Origin
from runtime.modules.distribution import service
from runtime.modules.distribution.models import OrderUplines
from tests.distribution.flow import (
    bind,
    buyer,
    commissions,
    distributor,
    drain,
    in_shop,
    read,
    sku_of,
    switch_on,
    wechat_paid,
)


def people(app, client, factory, shop, *names):
    return [buyer(app, client, factory, shop, n) for n in names]


def code(person) -> str:
    return distributor(person)["distributor"]["code"]


def referrer(factory, shop, person) -> int | None:
    return read(factory, shop, lambda s: service.referrer_of(s, person.member.id))


def test_first_binding_wins(app, client, factory, shop, clock):
    switch_on(factory, shop, binding_mode="first")
    x, y, m = people(app, client, factory, shop, "x", "y", "m")
    cx, cy = code(x), code(y)
    assert bind(m, cx)["bound"] is True
    clock.advance(timedelta(days=20))
    assert bind(m, cy) == {"bound": False, "reason": "already_bound",
                           "referrer_member_id": x.member.id}


def test_latest_overrides_after_the_lock_period(app, client, factory, shop, clock):
    switch_on(factory, shop, binding_mode="latest", lock_days=3)
    x, y, m = people(app, client, factory, shop, "x", "y", "m")
    cx, cy = code(x), code(y)
    assert bind(m, cx)["bound"] is True
    clock.advance(timedelta(days=2))
    assert bind(m, cy)["reason"] == "binding_locked"
    assert referrer(factory, shop, m) == x.member.id
    clock.advance(timedelta(days=1, minutes=1))
    assert bind(m, cy)["bound"] is True
    assert referrer(factory, shop, m) == y.member.id


def test_expiring_binding_lapses_then_another_takes_it(app, client, factory, shop, clock):
    switch_on(factory, shop, binding_mode="expiring", binding_days=10)
    x, y, m = people(app, client, factory, shop, "x", "y", "m")
    cx, cy = code(x), code(y)
    assert bind(m, cx)["bound"] is True
    clock.advance(timedelta(days=9))
    assert bind(m, cy)["reason"] == "already_bound"
    clock.advance(timedelta(days=1, minutes=1))
    assert referrer(factory, shop, m) is None
    assert bind(m, cy)["bound"] is True


def test_registration_only_binds_new_members_once(app, client, factory, shop, clock):
    switch_on(factory, shop, binding_mode="registration", registration_hours=24)
    x, y = people(app, client, factory, shop, "x", "y")
    cx, cy = code(x), code(y)
    clock.advance(timedelta(hours=25))
    [late] = people(app, client, factory, shop, "late")
    clock.advance(timedelta(hours=25))
    assert bind(late, cx)["reason"] == "registration_only"
    [fresh] = people(app, client, factory, shop, "fresh")
    assert bind(fresh, cx)["bound"] is True
    assert bind(fresh, cy)["reason"] == "registration_only"


def test_self_and_cycles_are_refused(app, client, factory, shop, clock):
    switch_on(factory, shop, binding_mode="latest")
    a, b, c = people(app, client, factory, shop, "a", "b", "c")
    ca, cb, cc = code(a), code(b), code(c)
    assert bind(a, ca, 409)["code"] == "self_binding"
    assert bind(b, ca)["bound"] is True  # a -> b
    assert bind(c, cb)["bound"] is True  # b -> c
    assert bind(a, cc, 409)["code"] == "binding_cycle"  # c is below a
    assert bind(a, cb, 409)["code"] == "binding_cycle"
    assert bind(a, "NOSUCHCODE", 422)["errors"][0]["pointer"] == "/code"
    with pytest.raises(Exception) as refused:
        in_shop(app, factory, shop, service.change_referrer, a.member.id, c.member.id,
                Origin(label="test"))
    assert getattr(refused.value, "code", "") == "binding_cycle"


def test_the_order_keeps_its_uplines_after_rebinding(app, client, factory, shop, clock,
                                                     redis_conn):
    switch_on(factory, shop, binding_mode="latest")
    x, y, m = people(app, client, factory, shop, "x", "y", "m")
    cx, cy = code(x), code(y)
    bind(m, cx)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=10000, stock=5))
    order = wechat_paid(app, m, [(sku.id, 1)])
    bind(m, cy)
    drain(app, redis_conn)
    snap = read(factory, shop, lambda s: s.scalar(select(OrderUplines.referrer1_member_id)
                                                  .where(OrderUplines.order_id == order["id"])))
    assert snap == x.member.id
    assert [c[0] for c in commissions(factory, shop)] == [x.member.id]


def test_the_merchant_change_of_referrer_is_audited(app, client, factory, shop, clock):
    switch_on(factory, shop)
    x, y, m = people(app, client, factory, shop, "x", "y", "m")
    cx, _ = code(x), code(y)
    bind(m, cx)
    in_shop(app, factory, shop, service.change_referrer, m.member.id, y.member.id,
            Origin(user_id=None, label="owner@example.com"))
    assert referrer(factory, shop, m) == y.member.id
    event = read(factory, shop, lambda s: s.scalar(select(AuditEvent).where(
        AuditEvent.action == "distribution_referrer_changed")))
    assert event.detail == {"from": x.member.id, "to": y.member.id}
    assert event.target == f"member:{m.member.id}"
