"""Points across shops: a member's points are invisible and untouchable from another shop."""

from __future__ import annotations

import pytest

from runtime.db import use_shop
from runtime.errors import NotFound
from runtime.modules.points import service as points
from runtime.modules.points.models import PointEntry
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_read_or_move_points(app, client, factory):
    shops = two_shops(app, client, factory)
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.a.id)
        points.credit(s, shops.alice.member.id, 500, reason="测试", key="grant-a-1")
        s.commit()

    assert shops.foreign_token_call("GET", "/me/points").status_code == 401
    assert shops.bob.call("GET", "/me/points").json["balance"] == 0
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.b.id)
        assert points.balance_of(s, shops.alice.member.id) == 0
        with pytest.raises(NotFound):  # alice is no member of shop B
            points.credit(s, shops.alice.member.id, 100, reason="越权", key="grant-b-1")
        s.rollback()
    assert shops.alice.call("GET", "/me/points").json["balance"] == 500
    assert (shops.count(shops.a, PointEntry), shops.count(shops.b, PointEntry)) == (1, 0)
