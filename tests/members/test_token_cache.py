"""The member token cache: a known token costs no query, and logging out or blocking the
member stops it at once although it is cached."""

from __future__ import annotations

from datetime import timedelta

from runtime.db import use_shop
from runtime.modules.members.service import set_status
from runtime.modules.members.tokens import CACHE_SECONDS, TOUCH_INTERVAL
from tests.sqlcount import counting


def _me(client, shop, token, expect):
    answer = client.get(f"/api/v1/shops/{shop.slug}/me",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == expect, answer.get_data(as_text=True)
    return answer


def test_a_known_token_costs_no_token_query(app, client, factory, shop, clock):
    member = factory.member(shop)
    token = factory.member_token(shop, member)
    with counting(app) as first:
        _me(client, shop, token, 200)
    with counting(app) as second:
        _me(client, shop, token, 200)
    assert any("member_tokens" in sql for sql in first.statements)
    assert not [sql for sql in second.statements if "member_tokens" in sql]


def test_logout_stops_a_cached_token_at_once(app, client, factory, shop, clock):
    token = factory.member_token(shop, factory.member(shop))
    _me(client, shop, token, 200)
    answer = client.post(f"/api/v1/shops/{shop.slug}/auth/logout", json={},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 204
    assert _me(client, shop, token, 401).json["code"] == "invalid_token"


def test_logout_everywhere_stops_every_cached_token(app, client, factory, shop, clock):
    member = factory.member(shop)
    phone, laptop = factory.member_token(shop, member), factory.member_token(shop, member)
    _me(client, shop, phone, 200)
    _me(client, shop, laptop, 200)
    answer = client.post(f"/api/v1/shops/{shop.slug}/auth/logout", json={"everywhere": True},
                         headers={"Authorization": f"Bearer {phone}"})
    assert answer.status_code == 204
    _me(client, shop, phone, 401)
    _me(client, shop, laptop, 401)


def test_blocking_a_member_stops_their_cached_token_at_once(app, client, factory, shop,
                                                            clock):
    member = factory.member(shop)
    token = factory.member_token(shop, member)
    _me(client, shop, token, 200)
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        set_status(s, member.id, "blocked")
        s.commit()
    _me(client, shop, token, 401)
    with app.app_context(), factory._session() as s:  # unblocking does not revive the token
        use_shop(s, shop.id)
        set_status(s, member.id, "active")
        s.commit()
    clock.advance(timedelta(seconds=CACHE_SECONDS * 3))
    _me(client, shop, token, 401)


def test_a_cached_token_still_expires(app, client, factory, shop, clock):
    token = factory.member_token(shop, factory.member(shop))
    _me(client, shop, token, 200)
    clock.advance(timedelta(days=31))
    _me(client, shop, token, 401)


def test_the_last_use_is_recorded_every_touch_interval(app, client, factory, shop, clock):
    from runtime.modules.members.models import MemberToken

    token = factory.member_token(shop, factory.member(shop))
    _me(client, shop, token, 200)

    def last_used():
        with factory._session() as s:
            use_shop(s, shop.id)
            return s.query(MemberToken).one().last_used_at

    first = last_used()
    assert first == clock.now()
    clock.advance(TOUCH_INTERVAL / 2)
    _me(client, shop, token, 200)
    assert last_used() == first
    clock.advance(TOUCH_INTERVAL)
    _me(client, shop, token, 200)
    assert last_used() == clock.now()
