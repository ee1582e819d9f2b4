"""Listing, searching, renaming and deleting in a shop's library; shops never see each other."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from runtime.db import platform_access, set_connection_context, use_shop
from runtime.errors import NotFound, ValidationFailed
from runtime.media import service
from runtime.media.models import MediaAsset
from runtime.media.refs import media_url
from tests.media import imagegen


def _upload(session, name: str, folder: str = "", width: int = 100):
    return service.upload(session, imagegen.png(width, 50), name, folder=folder).asset


def test_list_is_paged_newest_first_and_searchable(shop_session, storage, clock):
    from datetime import timedelta

    names = ["红色连衣裙.png", "banner_100%.png", "Logo.png", "logo-dark.png", "夏季新品.png"]
    assets = []
    for i, name in enumerate(names):
        assets.append(_upload(shop_session, name, folder="活动" if i % 2 else "", width=100 + i))
        clock.advance(timedelta(seconds=1))
    shop_session.commit()

    page = service.list_assets(shop_session, per_page=2)
    assert [a.name for a in page.items] == ["夏季新品.png", "logo-dark.png"]
    assert (page.total, page.pages) == (5, 3)
    page3 = service.list_assets(shop_session, page=3, per_page=2)
    assert [a.name for a in page3.items] == ["红色连衣裙.png"]
    assert [a.name for a in service.list_assets(shop_session, q="LOGO").items] == [
        "logo-dark.png", "Logo.png"]
    assert [a.name for a in service.list_assets(shop_session, q="连衣").items] == ["红色连衣裙.png"]
    assert [a.name for a in service.list_assets(shop_session, q="100%").items] == [
        "banner_100%.png"]
    assert service.list_assets(shop_session, q="_").total == 1  # LIKE wildcards are literal
    assert [a.name for a in service.list_assets(shop_session, folder="活动").items] == [
        "logo-dark.png", "banner_100%.png"]
    assert [(f.name, f.count) for f in service.list_folders(shop_session)] == [("", 3),
                                                                                ("活动", 2)]


@pytest.mark.parametrize(("kwargs", "pointer"), [
    ({"page": 0}, "/page"), ({"per_page": 0}, "/per_page"), ({"per_page": 101}, "/per_page"),
    ({"kind": "audio"}, "/kind"), ({"q": "x" * 300}, "/q"),
])
def test_list_parameters_are_validated(shop_session, app_ctx, kwargs, pointer):
    with pytest.raises(ValidationFailed) as info:
        service.list_assets(shop_session, **kwargs)
    assert [e.pointer for e in info.value.errors] == [pointer]


def test_rename_and_edit_keep_the_files(shop_session, storage):
    asset = _upload(shop_session, "IMG_2041.png")
    key = asset.storage_key
    service.update_asset(shop_session, asset.id, name="  首页横幅.png ", alt_text="夏季促销",
                         folder="首页")
    shop_session.commit()
    asset = service.get_asset(shop_session, asset.id)
    assert (asset.name, asset.alt_text, asset.folder) == ("首页横幅.png", "夏季促销", "首页")
    assert asset.original_filename == "IMG_2041.png"
    service.update_asset(shop_session, asset.id, name="春/夏 banner")
    assert service.get_asset(shop_session, asset.id).name == "春/夏 banner"
    assert asset.storage_key == key and storage.exists(key)


@pytest.mark.parametrize(("kwargs", "pointers"), [
    ({"name": "   "}, ["/name"]),
    ({"name": "\x00\x07"}, ["/name"]),
    ({"name": 5}, ["/name"]),
    ({"name": "n" * 256}, ["/name"]),
    ({"alt_text": "a" * 300, "folder": "f" * 81}, ["/alt_text", "/folder"]),
    ({"folder": ["x"]}, ["/folder"]),
])
def test_bad_edits_name_the_field_and_change_nothing(shop_session, storage, kwargs, pointers):
    asset = _upload(shop_session, "keep.png")
    shop_session.commit()
    with pytest.raises(ValidationFailed) as info:
        service.update_asset(shop_session, asset.id, **kwargs)
    assert [e.pointer for e in info.value.errors] == pointers
    shop_session.rollback()
    fresh = service.get_asset(shop_session, asset.id)
    assert (fresh.name, fresh.alt_text, fresh.folder) == ("keep.png", "", "")


def test_delete_is_soft_and_keeps_the_file_served(client, shop_session, storage):
    asset = _upload(shop_session, "gone.png")
    service.delete_asset(shop_session, asset.id)
    shop_session.commit()
    assert service.list_assets(shop_session).total == 0
    with pytest.raises(NotFound):
        service.get_asset(shop_session, asset.id)
    with pytest.raises(NotFound):
        service.delete_asset(shop_session, asset.id)
    assert service.get_asset(shop_session, asset.id, include_deleted=True).deleted_at
    assert media_url({"media_id": asset.id}, session=shop_session) == \
        f"/media/{asset.storage_key}"
    assert client.get(f"/media/{asset.storage_key}").status_code == 200


def test_one_shop_cannot_see_edit_or_delete_another_shops_assets(factory, session, storage):
    shop_a, shop_b = factory.shop(), factory.shop()
    use_shop(session, shop_b.id)
    theirs = _upload(session, "b-secret.png")
    session.commit()

    use_shop(session, shop_a.id)
    _upload(session, "a.png", width=130)
    session.commit()
    assert [a.name for a in service.list_assets(session).items] == ["a.png"]
    assert [f.count for f in service.list_folders(session)] == [1]
    for attempt in (lambda: service.get_asset(session, theirs.id),
                    lambda: service.update_asset(session, theirs.id, name="mine.png"),
                    lambda: service.delete_asset(session, theirs.id)):
        with pytest.raises(NotFound):
            attempt()
    assert media_url({"media_id": theirs.id}, session=session) is None
    session.commit()

    use_shop(session, shop_b.id)
    fresh = service.get_asset(session, theirs.id)
    assert (fresh.name, fresh.deleted_at) == ("b-secret.png", None)
    with platform_access(session, "test: count every shop's assets"):
        assert session.scalar(select(func.count()).select_from(MediaAsset)) == 2


def test_an_asset_cannot_be_moved_to_another_shop(factory, session, storage):
    from runtime.db import CrossShopWrite

    shop_a, shop_b = factory.shop(), factory.shop()
    use_shop(session, shop_a.id)
    asset = _upload(session, "a.png")
    session.commit()
    asset.shop_id = shop_b.id
    with pytest.raises(CrossShopWrite):
        session.flush()
    session.rollback()


@pytest.mark.postgres
def test_row_level_security_hides_other_shops_rows_from_raw_sql(app, factory, session,
                                                                 storage):
    shop_a, shop_b = factory.shop(), factory.shop()
    use_shop(session, shop_b.id)
    theirs = _upload(session, "b.png")
    session.commit()
    engine = app.extensions["mallkit"].engine
    with engine.begin() as conn:
        assert conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles "
                                 "WHERE rolname = current_user")).scalar() is False
        set_connection_context(conn, shop_a.id)
        visible = conn.execute(text("SELECT count(*) FROM media_assets")).scalar()
        changed = conn.execute(text("UPDATE media_assets SET name = 'x' WHERE id = :i"),
                               {"i": theirs.id}).rowcount
    assert (visible, changed) == (0, 0)
    session.expire_all()
    assert service.get_asset(session, theirs.id).name == "b.png"
    session.commit()
