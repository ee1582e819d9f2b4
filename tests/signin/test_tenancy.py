"""Sign-in across shops: records and streaks belong to one shop; another shop's member or
token cannot read or add to them."""

from __future__ import annotations

from runtime.modules.signin.models import SigninRecord
from tests.tenancy_helpers import two_shops


def test_other_shop_cannot_sign_in_for_a_member(app, client, factory, clock):
    shops = two_shops(app, client, factory)
    for shop in (shops.a, shops.b):
        factory.module_on(shop, "signin")
    shops.alice.call("POST", "/signin", expect=201)

    assert shops.foreign_token_call("POST", "/signin").status_code == 401
    assert shops.foreign_token_call("GET", "/signin").status_code == 401
    bob_view = shops.bob.call("GET", "/signin").json
    assert bob_view["signed_today"] is False
    assert (shops.count(shops.a, SigninRecord), shops.count(shops.b, SigninRecord)) == (1, 0)
