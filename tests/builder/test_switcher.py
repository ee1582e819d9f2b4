"""The shop switcher of every console page is cached per user, yet a shop joined, a role
changed, a shop renamed or closed shows on the very next page; on PostgreSQL a repeat page
reads no memberships across shops (one tenant context, no platform read)."""

from __future__ import annotations

import re

import pytest

from runtime.accounts.models import Role
from runtime.db import platform_access
from runtime.shops.models import Shop
from tests.accounts.helpers import HTML
from tests.sqlcount import counting
from tests.statements import sets_tenant_context


def _switcher(client, slug: str = "alpha") -> set[tuple[str, str]]:
    """(shop name, role label) of each entry of the switcher on a page of shop ``slug`` (a
    set: the order is the database's collation of the names)."""
    response = client.get(f"/console/shops/{slug}/", headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    panel = response.get_data(as_text=True).split('class="menu shop-switcher"', 1)[1]
    panel = panel.split("</details>", 1)[0]
    return set(re.findall(r'<span class="grow">([^<]+)<small>([^<]+)</small>', panel))


@pytest.fixture
def two_shops(factory):
    return factory.shop(slug="alpha", name="甲店"), factory.shop(slug="beta", name="乙店")


def _logged_in(app, factory, user):
    client = app.test_client()
    client.csrf = factory.console_login(client, user)
    return client


def _change_shop(app, slug: str, **fields) -> None:
    with app.app_context(), app.extensions["mallkit"].session_factory() as s:
        s.info["shop_id"] = None
        with platform_access(s, "test: change a shop"):
            shop = s.query(Shop).filter_by(slug=slug).one()
            for name, value in fields.items():
                setattr(shop, name, value)
            s.commit()


def test_a_joined_shop_and_a_new_role_show_at_once(app, factory, two_shops):
    alpha, beta = two_shops
    user = factory.merchant(alpha)
    client = _logged_in(app, factory, user)
    assert _switcher(client) == {("甲店", "店主")}
    boss = _logged_in(app, factory, factory.merchant(beta))
    member = factory.membership(user, beta, role=Role.STAFF, areas=["orders"])
    assert _switcher(client) == {("甲店", "店主"), ("乙店", "员工")}
    changed = boss.post(f"/console/shops/beta/staff/{member.id}",
                        data={"role": "admin", "csrf_token": boss.csrf})
    assert changed.status_code == 302
    assert _switcher(client) == {("甲店", "店主"), ("乙店", "管理员")}


@pytest.fixture
def owner_of_both(app, factory, two_shops):
    """A logged-in owner of both shops whose switcher has been shown (and cached) once."""
    alpha, beta = two_shops
    user = factory.merchant(alpha)
    factory.membership(user, beta)
    client = _logged_in(app, factory, user)
    assert _switcher(client) == {("甲店", "店主"), ("乙店", "店主")}
    return client


def test_a_renamed_shop_shows_at_once(owner_of_both):
    client = owner_of_both
    renamed = client.post("/console/shops/beta/settings",
                          data={"name": "丁店", "timezone": "Asia/Shanghai",
                                "contact_phone": "", "csrf_token": client.csrf})
    assert renamed.status_code == 302
    assert _switcher(client) == {("丁店", "店主"), ("甲店", "店主")}


def test_a_closed_shop_leaves_the_switcher_at_once(app, owner_of_both):
    _change_shop(app, "beta", status="closed")
    assert _switcher(owner_of_both) == {("甲店", "店主")}


def test_another_users_switcher_is_their_own(app, factory, two_shops):
    alpha, beta = two_shops
    mine = _logged_in(app, factory, factory.merchant(alpha))
    theirs = _logged_in(app, factory, factory.merchant(beta))
    assert _switcher(mine) == {("甲店", "店主")}
    assert _switcher(theirs, "beta") == {("乙店", "店主")}
    assert _switcher(mine) == {("甲店", "店主")}


@pytest.mark.postgres
def test_a_repeat_page_reads_no_memberships_across_shops(app, factory, two_shops):
    alpha, beta = two_shops
    user = factory.merchant(alpha)
    factory.membership(user, beta)
    client = _logged_in(app, factory, user)
    with counting(app) as first:
        _switcher(client)
    with counting(app) as repeat:
        assert _switcher(client) == {("甲店", "店主"), ("乙店", "店主")}

    def across_shops(statements: list[str]) -> list[str]:
        return [s for s in statements if "JOIN memberships" in s]

    assert across_shops(first.statements) and not across_shops(repeat.statements)
    assert len([s for s in repeat.statements if sets_tenant_context(s)]) == 1
