"""``mallkit create-shop``, ``create-user``, ``create-agency`` and ``demo``."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.accounts.models import Agency, ConsoleSession, Membership, User
from runtime.db import use_shop
from runtime.shops.models import Shop
from tests.accounts.helpers import JSON, fetch


def _count(app, model):
    return fetch(app, select(func.count()).select_from(model), one=True)


def test_create_shop(app):
    result = app.test_cli_runner().invoke(args=["create-shop", "--slug", "tea", "--name",
                                                "茶叶店", "--timezone", "Asia/Hong_Kong"])
    assert result.exit_code == 0, result.output
    assert "created shop tea (茶叶店)" in result.output
    shop = fetch(app, select(Shop), one=True)
    assert (shop.slug, shop.name, shop.timezone) == ("tea", "茶叶店", "Asia/Hong_Kong")


def test_create_shop_rejects_bad_input(app, factory):
    factory.shop(slug="tea")
    runner = app.test_cli_runner()
    taken = runner.invoke(args=["create-shop", "--slug", "tea", "--name", "X"])
    assert taken.exit_code != 0 and "already exists" in taken.output
    bad = runner.invoke(args=["create-shop", "--slug", "A B", "--name", "X",
                              "--timezone", "Mars/Base"])
    assert bad.exit_code != 0
    assert "slug:" in bad.output and "timezone:" in bad.output
    assert _count(app, Shop) == 1


def test_create_user_as_staff_of_a_shop(app, factory):
    shop = factory.shop(slug="tea")
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Clerk@Tea.cn", "--password", "clerk-pass-1", "--shop", "tea",
        "--role", "staff", "--areas", "catalog,orders"])
    assert result.exit_code == 0, result.output
    assert "created user clerk@tea.cn -> staff of tea (catalog, orders)" in result.output
    user = fetch(app, select(User), one=True)
    assert user.password_hash.startswith("$argon2id$")
    member = fetch(app, select(Membership), one=True)
    assert (member.shop_id, member.user_id, member.role, member.areas) == (
        shop.id, user.id, "staff", ["catalog", "orders"])
    client = app.test_client()
    token = client.get("/console/login", headers=JSON).json["csrf_token"]
    login = client.post("/console/login", json={"email": "clerk@tea.cn",
                                                "password": "clerk-pass-1"},
                        headers={"X-CSRF-Token": token})
    assert login.status_code == 200


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "root@mallkit.cn", "--platform-admin"],
        input="admin-pass-1\nadmin-pass-1\n")
    assert result.exit_code == 0, result.output
    assert "[platform admin]" in result.output
    user = fetch(app, select(User), one=True)
    assert user.is_platform_admin and user.password_hash.startswith("$argon2id$")


def test_create_user_with_an_agency(app):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["create-user", "--email", "d@studio.cn", "--password",
                                  "design-pass-1", "--agency", "studio"])
    assert missing.exit_code != 0 and "create-agency" in missing.output
    assert runner.invoke(args=["create-agency", "--slug", "studio", "--name",
                               "设计工作室"]).exit_code == 0
    ok = runner.invoke(args=["create-user", "--email", "d@studio.cn", "--password",
                             "design-pass-1", "--agency", "studio"])
    assert ok.exit_code == 0, ok.output
    agency = fetch(app, select(Agency), one=True)
    assert fetch(app, select(User.agency_id), one=True) == agency.id


def test_create_user_rejects_bad_input_and_duplicates(app, factory):
    factory.shop(slug="tea")
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-user", "--email", "a@b.cn", "--password", "123"])
    assert weak.exit_code != 0 and "password:" in weak.output
    bad_area = runner.invoke(args=["create-user", "--email", "a@b.cn", "--password",
                                   "good-pass-1", "--shop", "tea", "--role", "staff",
                                   "--areas", "rockets"])
    assert bad_area.exit_code != 0 and "--areas" in bad_area.output
    no_shop = runner.invoke(args=["create-user", "--email", "a@b.cn", "--password",
                                  "good-pass-1", "--shop", "nope"])
    assert no_shop.exit_code != 0
    assert _count(app, User) == 0
    assert runner.invoke(args=["create-user", "--email", "a@b.cn", "--password",
                               "good-pass-1"]).exit_code == 0
    again = runner.invoke(args=["create-user", "--email", "a@b.cn", "--password",
                                "good-pass-1"])
    assert again.exit_code != 0 and "already exists" in again.output
    join = runner.invoke(args=["create-user", "--email", "a@b.cn", "--shop", "tea",
                               "--role", "admin"])
    assert join.exit_code == 0 and "found user a@b.cn -> admin of tea" in join.output
    assert _count(app, User) == 1


def test_demo_creates_the_shop_and_owner_and_runs_seeders(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "created shop demo (演示商城)" in result.output
    assert "http://127.0.0.1:5000/console/" in result.output
    assert "demo@mallkit.local / mallkit-demo-2026" in result.output
    seeded = [line.split()[1] for line in result.output.splitlines()
              if line.startswith("seeded ")]
    assert seeded == list(app.extensions["mallkit"].modules.seeders)  # every one, in order
    shop = fetch(app, select(Shop), one=True)
    assert (shop.slug, shop.name) == ("demo", "演示商城")
    member = fetch(app, select(Membership), one=True)
    assert member.role == "owner" and member.shop_id == shop.id
    client = app.test_client()
    token = client.get("/console/login", headers=JSON).json["csrf_token"]
    login = client.post("/console/login", json={"email": "demo@mallkit.local",
                                                "password": "mallkit-demo-2026"},
                        headers={"X-CSRF-Token": token})
    assert login.status_code == 200


def test_demo_twice_creates_nothing_new(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    counts = [_count(app, m) for m in (Shop, User, Membership, ConsoleSession)]
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "kept shop demo" in second.output
    assert [_count(app, m) for m in (Shop, User, Membership, ConsoleSession)] == counts
    assert counts == [1, 1, 1, 0]


def test_demo_repairs_a_missing_owner_membership(app, session):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo"])
    shop_id = fetch(app, select(Shop.id), one=True)
    use_shop(session, shop_id)
    session.delete(session.scalar(select(Membership)))
    session.commit()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert _count(app, Membership) == 1 and _count(app, User) == 1
