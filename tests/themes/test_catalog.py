"""Uploaded themes: versions (semver, immutable once published, deprecation), visibility,
install / switch / update / rollback in a shop keeping tokens and pages, rendering."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from runtime.accounts import service as accounts
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.themes import catalog
from runtime.themes import service as themes
from runtime.themes.models import ThemeBlob, ThemePackage, ThemeVersion
from tests.page_helpers import block, page_config
from tests.themes.conftest import in_shop, theme_zip


def upload(platform, agency, regs, data, publish=True, changelog="fixes"):
    row = catalog.upload(platform, agency.id, data, regs.blocks, regs.themes)
    if publish:
        catalog.publish(platform, agency.id, row.manifest["id"], row.version, changelog)
    platform.commit()
    return row


def test_upload_refuses_a_bad_package_before_any_write(platform, agency, regs):
    bad = theme_zip(extra={"blocks/title.html": b"{{ ''.__class__ }}", "presets/cart.json": None})
    with pytest.raises(catalog.PackageInvalid) as caught:
        catalog.upload(platform, agency.id, bad, regs.blocks, regs.themes)
    problem = caught.value.to_problem()
    assert problem["status"] == 422
    assert {(e["file"], e["pointer"]) for e in problem["errors"]} == {
        ("blocks/title.html", "line 1"), ("theme.json", "/presets/cart")}
    platform.rollback()
    assert platform.scalars(select(ThemePackage)).all() == []
    assert platform.scalars(select(ThemeBlob)).all() == []


def test_versions_must_grow_and_published_ones_never_change(platform, agency, regs):
    upload(platform, agency, regs, theme_zip("1.1.0"), changelog="")
    for version, message in [("1.1.0", "is published"), ("1.0.9", "must be greater")]:
        with pytest.raises(catalog.PackageInvalid, match=message):
            catalog.upload(platform, agency.id, theme_zip(version), regs.blocks, regs.themes)
    draft = catalog.upload(platform, agency.id, theme_zip("1.2.0", marker="ONE"), regs.blocks,
                           regs.themes)
    replaced = catalog.upload(platform, agency.id, theme_zip("1.2.0", marker="TWO"),
                              regs.blocks, regs.themes)
    assert replaced.id == draft.id and replaced.status == "draft"
    with pytest.raises(ValidationFailed, match="changelog"):
        catalog.publish(platform, agency.id, "acme", "1.2.0", " ")
    catalog.publish(platform, agency.id, "acme", "1.2.0", "Bigger titles")
    with pytest.raises(Conflict):
        catalog.publish(platform, agency.id, "acme", "1.2.0", "again")


def test_theme_ids_belong_to_one_agency_and_bundled_ids_are_reserved(platform, agency, regs):
    other = accounts.create_agency(platform, slug="other", name="Other")
    upload(platform, agency, regs, theme_zip())
    with pytest.raises(catalog.PackageInvalid, match="another agency"):
        catalog.upload(platform, other.id, theme_zip("2.0.0"), regs.blocks, regs.themes)
    with pytest.raises(catalog.PackageInvalid, match="bundled"):
        catalog.upload(platform, agency.id, theme_zip(theme_id="fresh"), regs.blocks,
                       regs.themes)
    with pytest.raises(NotFound):
        catalog.publish(platform, other.id, "acme", "1.0.0", "x")


def test_private_themes_reach_only_granted_shops(app, platform, agency, regs, factory):
    alpha, beta = factory.shop(slug="alpha"), factory.shop(slug="beta")
    upload(platform, agency, regs, theme_zip())
    with in_shop(app, alpha) as s, pytest.raises(NotFound):
        themes.activate_theme(s, "acme", regs.themes)
    catalog.set_visibility(platform, agency.id, "acme", "private", ["alpha"])
    platform.commit()
    with in_shop(app, alpha) as s:
        assert [v.package.theme_id for v in catalog.shop_packages(s, alpha.id)] == ["acme"]
        themes.activate_theme(s, "acme", regs.themes)
        s.commit()
    with in_shop(app, beta) as s:
        assert catalog.shop_packages(s, beta.id) == []
        with pytest.raises(NotFound):
            themes.install_theme(s, "acme", regs.themes)
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()
    with in_shop(app, beta) as s:
        themes.install_theme(s, "acme", regs.themes)
        s.commit()
    assert catalog.install_counts(platform, "acme") == {"1.0.0": 2}


def test_install_tokens_update_and_rollback(app, client, platform, agency, regs, shop, factory):
    factory.publish_page(shop, page_config(block("t1", "title", title="你好")))
    upload(platform, agency, regs, theme_zip("1.0.0", marker="V1"))
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()
    assert "V1" not in client.get("/s/alpha/").get_data(as_text=True)
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "acme", regs.themes)
        s.commit()
        themes.update_tokens(s, {"color_primary": "#123456"}, regs.themes)
        s.commit()
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "V1 你好" in html and "#123456" in html
    upload(platform, agency, regs, theme_zip("1.1.0", marker="V11"), changelog="Minor")
    with in_shop(app, shop) as s:
        themes.install_theme(s, "acme", regs.themes, version="1.1.0")
        s.commit()
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "V11 你好" in html and "#123456" in html
    upload(platform, agency, regs, theme_zip("2.0.0", marker="V2"), changelog="Major")
    with in_shop(app, shop) as s:
        with pytest.raises(Conflict) as caught:
            themes.install_theme(s, "acme", regs.themes, version="2.0.0")
        assert caught.value.code == "major_update_needs_acceptance"
        themes.activate_theme(s, "default", regs.themes)
        themes.activate_theme(s, "acme", regs.themes)
        s.commit()
        assert themes.active_theme(s, regs.themes).theme.version == "1.1.0"
        themes.install_theme(s, "acme", regs.themes, version="2.0.0", accept_major=True)
        s.commit()
    assert "V2 你好" in client.get("/s/alpha/").get_data(as_text=True)
    with in_shop(app, shop) as s:
        row = themes.rollback_theme(s, "acme")
        s.commit()
        assert (row.theme_version, row.previous_version) == ("1.1.0", "2.0.0")
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "V11 你好" in html and "#123456" in html
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "default", regs.themes)
        s.commit()
    html = client.get("/s/alpha/").get_data(as_text=True)
    assert "V11" not in html and "你好" in html


def test_deprecated_versions_keep_working_for_shops_on_them(app, client, platform, agency,
                                                           regs, shop, factory):
    factory.publish_page(shop, page_config(block("t1", "title", title="标题")))
    upload(platform, agency, regs, theme_zip("1.0.0", marker="OLD"))
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "acme", regs.themes)
        s.commit()
    catalog.deprecate(platform, agency.id, "acme", "1.0.0")
    platform.commit()
    assert "OLD 标题" in client.get("/s/alpha/").get_data(as_text=True)
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "default", regs.themes)
        themes.activate_theme(s, "acme", regs.themes)
        s.commit()
    assert "OLD 标题" in client.get("/s/alpha/").get_data(as_text=True)
    newcomer = factory.shop(slug="new")
    for version in (None, "1.0.0"):
        with in_shop(app, newcomer) as s, pytest.raises(NotFound):
            themes.install_theme(s, "acme", regs.themes, version=version)


def test_uploaded_assets_are_served_by_version(client, platform, agency, regs):
    upload(platform, agency, regs, theme_zip())
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()
    css = client.get("/themes/acme/1.0.0/theme.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "max-age=31536000" in css.headers["Cache-Control"]
    assert client.get("/themes/acme/1.0.0/shot.png").mimetype == "image/png"
    assert client.get("/themes/acme/9.9.9/theme.css").status_code == 404
    assert client.get("/themes/acme/1.0.0/../theme.json").status_code == 404
    assert client.get("/themes/acme/1.0.0/nothing.css").status_code == 404


def test_published_versions_share_stored_files(platform, agency, regs):
    upload(platform, agency, regs, theme_zip("1.0.0", marker="A"))
    upload(platform, agency, regs, theme_zip("1.0.1", marker="B"))
    versions = platform.scalars(select(ThemeVersion)).all()
    first, second = (v.files for v in versions)
    assert first["assets/theme.css"] == second["assets/theme.css"]
    assert first["blocks/title.html"] != second["blocks/title.html"]
    assert len(platform.scalars(select(ThemeBlob)).all()) == len(first) + 2  # manifest, title


def test_draft_and_private_files_are_not_public(client, app, factory, platform, agency, regs):
    from runtime.themes.assets import shop_pass

    upload(platform, agency, regs, theme_zip("1.0.0"))
    upload(platform, agency, regs, theme_zip("1.1.0"), publish=False)
    granted, other = factory.shop(slug="granted"), factory.shop(slug="other")
    catalog.set_visibility(platform, agency.id, "acme", "private", ["granted"])
    platform.commit()

    with app.app_context():
        passes = {s.id: shop_pass("acme", s.id) for s in (granted, other)}

    def get(shop, version="1.0.0", forged=False):
        grant = passes[shop.id]
        if forged:
            grant = f"{shop.id}.{passes[other.id].partition('.')[2]}"
        return client.get(f"/theme-files/{grant}/acme/{version}/theme.css")

    assert client.get("/themes/acme/1.0.0/theme.css").status_code == 404
    assert client.get("/themes/acme/1.1.0/theme.css").status_code == 404
    allowed = get(granted)
    assert allowed.status_code == 200 and allowed.headers["Cache-Control"].startswith("private")
    assert get(granted, "1.1.0").status_code == 404  # a draft, even for a granted shop
    assert get(other).status_code == 404
    assert get(granted, forged=True).status_code == 404
    assert client.get("/theme-files/x.y/acme/1.0.0/theme.css").status_code == 404
    with in_shop(app, granted) as s:
        themes.activate_theme(s, "acme", regs.themes, version="1.0.0")
        s.commit()
    html = client.get("/s/granted/").get_data(as_text=True)
    assert f"/theme-files/{passes[granted.id]}/acme/1.0.0/theme.css" in html
    catalog.set_visibility(platform, agency.id, "acme", "private", [])
    platform.commit()
    assert get(granted).status_code == 200  # installed: kept after the grant is withdrawn
    assert get(other).status_code == 404


def test_an_older_client_gets_the_default_theme_and_an_upgrade_hint(client, app, factory,
                                                                    platform, agency, regs,
                                                                    shop):
    from runtime.pages import output

    factory.publish_page(shop, page_config(block("t1", "title", title="首页")))
    upload(platform, agency, regs, theme_zip())  # min_client 2.1.0
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()
    with in_shop(app, shop) as s:
        themes.activate_theme(s, "acme", regs.themes)
        themes.update_tokens(s, {"color_primary": "#123456"}, regs.themes)
        s.commit()

    def theme_of(version=None):
        headers = {"X-Client-Version": version} if version else {}
        answer = client.get("/api/v1/shops/alpha/layouts/home", headers=headers)
        assert answer.status_code == 200
        return answer.json["theme"]

    # A process that has not seen the theme yet renders right but does not cache.
    output._theme_floors.update(until=float("inf"), floors=())
    old = theme_of("2.0.9")
    assert (old["id"], old["fallback_from"]) == (
        "default", {"id": "acme", "version": "1.0.0", "min_client": "2.1.0"})
    assert old["tokens"]["color_primary"] != "#123456"
    assert output._theme_floors["floors"] == ((2, 1, 0),)
    for _ in range(2):  # built, then from the cache: each client on its side of 2.1.0
        assert theme_of("2.0.9")["fallback_from"]["min_client"] == "2.1.0"
        for version in ("2.1.0", "3.0.0", None):
            current = theme_of(version)
            assert current["id"] == "acme" and "fallback_from" not in current
            assert current["tokens"]["color_primary"] == "#123456"
    assert "ACME" in client.get("/s/alpha/").get_data(as_text=True)  # H5 is not a client


def test_a_pinned_theme_is_neither_offered_nor_moved_to_newer_versions(app, platform, agency,
                                                                      regs, shop):
    from runtime.themes.gallery import gallery

    upload(platform, agency, regs, theme_zip("1.0.0"))
    upload(platform, agency, regs, theme_zip("1.1.0"))
    catalog.set_visibility(platform, agency.id, "acme", "listed")
    platform.commit()

    def offer(s):
        entry = next(e for e in gallery(s, regs.themes) if e.id == "acme")
        return entry.update, entry.installed.pinned

    with in_shop(app, shop) as s:
        themes.activate_theme(s, "acme", regs.themes, version="1.0.0")
        assert offer(s) == ("1.1.0", False)
        themes.pin_theme(s, "acme", True, regs.themes)
        s.commit()
    with in_shop(app, shop) as s:
        assert offer(s) == (None, True)
        for move in (lambda: themes.install_theme(s, "acme", regs.themes, version="1.1.0"),
                     lambda: themes.activate_theme(s, "acme", regs.themes, version="1.1.0")):
            with pytest.raises(Conflict) as caught:
                move()
            assert caught.value.code == "theme_pinned"
        assert themes.activate_theme(s, "acme", regs.themes).theme_version == "1.0.0"
        with pytest.raises(Conflict):
            themes.pin_theme(s, "default", True, regs.themes)
        with pytest.raises(NotFound):
            themes.pin_theme(s, "nope", True, regs.themes)
        themes.pin_theme(s, "acme", False, regs.themes)
        assert offer(s) == ("1.1.0", False)
        assert themes.install_theme(s, "acme", regs.themes, version="1.1.0").theme_version \
            == "1.1.0"
