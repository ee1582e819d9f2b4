"""Stored value across shops: balances and top-ups of one shop are out of another's reach."""

from __future__ import annotations

import pytest

from runtime.db import use_shop
from runtime.errors import NotFound
from runtime.modules.wallet import service as wallet
from runtime.modules.wallet.models import TopUp, WalletEntry
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_read_or_move_stored_value(app, client, factory):
    shops = two_shops(app, client, factory)
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.a.id)
        wallet.adjust(s, shops.alice.member.id, principal_delta_fen=3000, key="adjust-a-1")
        s.commit()
    topup = shops.alice.call("POST", "/me/wallet/topups", {"amount_fen": 10000},
                              expect=201).json["topup"]

    assert shops.foreign_token_call("GET", "/me/wallet").status_code == 401
    shops.bob.call("GET", f"/me/wallet/topups/{topup['id']}", expect=404)
    assert shops.bob.call("GET", "/me/wallet").json["balance_fen"] == 0
    with app.app_context(), factory._session() as s:
        use_shop(s, shops.b.id)
        assert wallet.balance_of(s, shops.alice.member.id).balance_fen == 0
        with pytest.raises(NotFound):
            wallet.get_topup(s, topup["id"])
        s.rollback()
    assert shops.alice.call("GET", "/me/wallet").json["balance_fen"] == 3000
    assert (shops.count(shops.a, WalletEntry), shops.count(shops.b, WalletEntry)) == (1, 0)
    assert (shops.count(shops.a, TopUp), shops.count(shops.b, TopUp)) == (1, 0)
