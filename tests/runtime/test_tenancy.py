"""Tenant isolation in the session: reads, updates, deletes and inserts stay in one shop."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from runtime.accounts.models import Membership, Role
from runtime.db import (
    CrossShopWrite,
    NoShopContext,
    platform_access,
    set_connection_context,
    use_shop,
)


@pytest.fixture
def two_shops(factory):
    alpha, beta = factory.shop(slug="alpha"), factory.shop(slug="beta")
    a_user, b_user = factory.merchant(alpha), factory.merchant(beta)
    return alpha, beta, a_user, b_user


def _all_memberships(app):
    with app.extensions["mallkit"].session_factory() as s, platform_access(s, "test check"):
        return {(m.shop_id, m.user_id, m.role) for m in s.scalars(select(Membership))}


def test_select_returns_only_the_current_shops_rows(session, two_shops):
    alpha, _beta, a_user, b_user = two_shops
    use_shop(session, alpha.id)
    rows = session.scalars(select(Membership)).all()
    assert [(m.shop_id, m.user_id) for m in rows] == [(alpha.id, a_user.id)]
    assert session.scalar(select(func.count()).select_from(Membership)) == 1
    other = session.scalar(select(Membership.id).where(Membership.user_id == b_user.id))
    assert other is None


def test_get_by_primary_key_of_another_shop_is_none(app, session, two_shops):
    alpha, beta, _a_user, _b_user = two_shops
    use_shop(session, beta.id)
    b_member = session.scalars(select(Membership)).one()
    use_shop(session, alpha.id)
    assert session.get(Membership, b_member.id) is None


def test_bulk_update_cannot_touch_another_shop(app, session, two_shops):
    alpha, beta, _a_user, _b_user = two_shops
    before = _all_memberships(app)
    use_shop(session, alpha.id)
    result = session.execute(update(Membership).values(role=Role.STAFF))
    session.commit()
    assert result.rowcount == 1
    after = _all_memberships(app)
    changed = before ^ after
    assert {row[0] for row in changed} == {alpha.id}
    assert {(s, r) for s, _u, r in after if s == beta.id} == {(beta.id, "owner")}


def test_bulk_delete_cannot_touch_another_shop(app, session, two_shops):
    alpha, beta, _a_user, b_user = two_shops
    use_shop(session, alpha.id)
    session.execute(delete(Membership))
    session.commit()
    assert _all_memberships(app) == {(beta.id, b_user.id, "owner")}


def test_update_cannot_move_a_row_to_another_shop(app, session, two_shops):
    alpha, beta, _a_user, _b_user = two_shops
    before = _all_memberships(app)
    use_shop(session, alpha.id)
    member = session.scalars(select(Membership)).one()
    member.shop_id = beta.id
    with pytest.raises(CrossShopWrite):
        session.flush()
    session.rollback()
    with pytest.raises(CrossShopWrite):
        session.execute(update(Membership).values(shop_id=beta.id))
    session.rollback()
    assert _all_memberships(app) == before


def test_new_row_cannot_carry_another_shops_id(app, session, two_shops, factory):
    alpha, beta, _a_user, _b_user = two_shops
    newcomer = factory.user()
    before = _all_memberships(app)
    use_shop(session, alpha.id)
    session.add(Membership(shop_id=beta.id, user_id=newcomer.id, role="staff", areas=[]))
    with pytest.raises(CrossShopWrite):
        session.flush()
    session.rollback()
    with pytest.raises(CrossShopWrite):
        session.execute(insert(Membership).values(shop_id=beta.id, user_id=newcomer.id,
                                                  role="staff", areas=[]))
    session.rollback()
    assert _all_memberships(app) == before


def test_new_row_gets_the_current_shop(app, session, two_shops, factory):
    alpha, _beta, _a_user, _b_user = two_shops
    newcomer = factory.user()
    use_shop(session, alpha.id)
    member = Membership(user_id=newcomer.id, role="staff", areas=["orders"])
    session.add(member)
    session.commit()
    assert member.shop_id == alpha.id


def test_no_shop_context_is_an_error_not_every_row(session, two_shops):
    with pytest.raises(NoShopContext):
        session.scalars(select(Membership)).all()
    with pytest.raises(NoShopContext):
        session.execute(update(Membership).values(role="staff"))
    with pytest.raises(NoShopContext):
        session.execute(delete(Membership))
    session.rollback()
    with pytest.raises(NoShopContext):
        session.execute(select(Membership.id).join(Membership.__table__,
                                                   Membership.id == Membership.id))


def test_platform_access_sees_every_shop_and_is_audited(session, two_shops, caplog):
    alpha, beta, _a_user, _b_user = two_shops
    with caplog.at_level(logging.INFO, logger="mallkit.audit"), \
            platform_access(session, "nightly report"):
        shops = set(session.scalars(select(Membership.shop_id)))
    assert shops == {alpha.id, beta.id}
    assert any("nightly report" in r.getMessage() for r in caplog.records)
    with pytest.raises(NoShopContext):
        session.scalars(select(Membership)).all()
    with pytest.raises(ValueError), platform_access(session, " "):
        pass


@pytest.mark.postgres
def test_row_level_security_is_a_second_wall(app, two_shops):
    """Raw SQL that bypasses the ORM still sees only the current shop's rows."""
    alpha, beta, _a_user, _b_user = two_shops
    engine = app.extensions["mallkit"].engine
    with engine.begin() as conn:
        assert conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles "
                                 "WHERE rolname = current_user")).scalar() is False
        set_connection_context(conn, alpha.id)
        shops = {row[0] for row in conn.execute(text("SELECT shop_id FROM memberships"))}
        deleted = conn.execute(text("DELETE FROM memberships WHERE shop_id = :b"),
                               {"b": beta.id}).rowcount
        with pytest.raises(Exception, match="row-level security"), conn.begin_nested():
            conn.execute(text("INSERT INTO memberships (shop_id, user_id, role, areas, "
                              "created_at, updated_at) SELECT :b, user_id, 'staff', '[]', "
                              "now(), now() FROM memberships"), {"b": beta.id})
        set_connection_context(conn, None)
        none_visible = conn.execute(text("SELECT count(*) FROM memberships")).scalar()
    assert shops == {alpha.id}
    assert deleted == 0
    assert none_visible == 0
    assert {s for s, _u, _r in _all_memberships(app)} == {alpha.id, beta.id}


@pytest.mark.postgres
def test_session_mirrors_the_shop_into_postgres(session, two_shops):
    alpha, _beta, _a, _b = two_shops
    use_shop(session, alpha.id)
    assert session.execute(text("SELECT current_setting('mallkit.shop_id', true)")).scalar() \
        == str(alpha.id)
    with platform_access(session, "test"):
        assert session.execute(
            text("SELECT current_setting('mallkit.platform', true)")).scalar() == "on"
    assert session.execute(text("SELECT current_setting('mallkit.platform', true)")).scalar() \
        == "off"


@pytest.mark.postgres
def test_the_app_role_cannot_switch_itself_to_platform_or_another_shop(app, two_shops):
    """An SQL injection runs as the app's role: setting the context variables by hand
    shows no row of any shop (the context is sealed by the owner's function)."""
    alpha, beta, _a_user, _b_user = two_shops
    engine = app.extensions["mallkit"].engine
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL mallkit.platform = 'on'"))
        as_platform = conn.execute(text("SELECT count(*) FROM memberships")).scalar()
    with engine.begin() as conn:
        set_connection_context(conn, alpha.id)  # a genuine request for alpha ...
        conn.execute(text("SELECT set_config('mallkit.shop_id', :b, true)"), {"b": str(beta.id)})
        as_beta = conn.execute(text("SELECT count(*) FROM memberships "
                                    "WHERE shop_id = :b"), {"b": beta.id}).scalar()
        conn.execute(text("SELECT set_config('mallkit.platform', 'on', true)"))
        with_platform_too = conn.execute(text("SELECT count(*) FROM memberships")).scalar()
    with engine.begin() as conn, pytest.raises(Exception, match="context key"):
        conn.execute(text("SELECT mallkit_set_context('guessed', :b, true)"), {"b": beta.id})
    for peek in ("SELECT secret FROM mallkit_private.context_secret",
                 "SELECT key_sha256 FROM mallkit_private.context_keys",
                 "SELECT mallkit_private.seal('1', 'on')"):
        with engine.begin() as conn, pytest.raises(Exception, match="permission denied"):
            conn.execute(text(peek))
    assert (as_platform, as_beta, with_platform_too) == (0, 0, 0)
    assert {s for s, _u, _r in _all_memberships(app)} == {alpha.id, beta.id}


@pytest.mark.postgres
def test_the_app_role_owns_nothing_and_cannot_change_the_schema(app, two_shops):
    engine = app.extensions["mallkit"].engine
    with engine.begin() as conn:
        owned = conn.execute(text("SELECT count(*) FROM pg_tables WHERE tableowner = "
                                  "current_user")).scalar()
        may_write = conn.execute(text(
            "SELECT has_table_privilege(current_user, 'memberships', 'INSERT'), "
            "has_table_privilege(current_user, 'memberships', 'TRUNCATE')")).one()
    assert owned == 0
    assert tuple(may_write) == (True, False)
    for ddl in ("ALTER TABLE memberships DISABLE ROW LEVEL SECURITY",
                "DROP POLICY mallkit_tenant_isolation ON memberships",
                "CREATE TABLE stolen (id int)",
                "TRUNCATE memberships"):
        with engine.begin() as conn, pytest.raises(Exception, match=r"must be owner|permission"):
            conn.execute(text(ddl))
