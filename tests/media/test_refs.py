"""Image references ({"media_id"} / {"url"}) and media_url, as catalog and blocks use them."""

from __future__ import annotations

import pytest
from flask import render_template_string
from sqlalchemy import event

from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.media import service
from runtime.media.refs import (
    asset_json,
    check_refs_exist,
    load_assets,
    media_url,
    ref_for,
    validate_ref,
)
from tests.media import imagegen


@pytest.mark.parametrize("ref", [{"media_id": 3}, {"url": "https://cdn.example.com/a.jpg"},
                                 {"url": "http://例子.cn/图.png"}])
def test_valid_references(ref):
    assert validate_ref(ref, "/images/0") == ref


@pytest.mark.parametrize(("ref", "pointer"), [
    ("https://x/a.jpg", "/images/0"),
    ({}, "/images/0"),
    ({"media_id": 1, "url": "https://x/a.jpg"}, "/images/0"),
    ({"media_id": "1"}, "/images/0/media_id"),
    ({"media_id": True}, "/images/0/media_id"),
    ({"media_id": 0}, "/images/0/media_id"),
    ({"url": "javascript:alert(1)"}, "/images/0/url"),
    ({"url": "/media/1/ab/x.jpg"}, "/images/0/url"),
    ({"url": "https://x/a b.jpg"}, "/images/0/url"),
    ({"url": "https://x/a\u3000b.jpg"}, "/images/0/url"),  # an ideographic space
    ({"url": "https://x/a.jpg\n"}, "/images/0/url"),
    ({"url": "https://x/a\x00.jpg"}, "/images/0/url"),
    ({"url": "https://x/a\x1b.jpg"}, "/images/0/url"),
    ({"url": "https://x/" + "a" * 2048}, "/images/0/url"),
])
def test_invalid_references_name_the_field(ref, pointer):
    with pytest.raises(ValidationFailed) as info:
        validate_ref(ref, "/images/0")
    assert [e.pointer for e in info.value.errors] == [pointer]


def test_media_url_for_every_kind_of_reference(shop_session, storage):
    asset = service.upload(shop_session, imagegen.jpeg(800, 400), "a.jpg").asset
    shop_session.commit()
    original = f"/media/{asset.storage_key}"
    assert media_url(asset) == original
    assert media_url(ref_for(asset), session=shop_session) == original
    assert media_url({"media_id": asset.id}, 300, session=shop_session) == \
        f"/media/{asset.thumbnail_keys()[300]}"
    assert media_url({"url": "https://cdn.example.com/x.png"}) == "https://cdn.example.com/x.png"
    assert media_url({"url": "javascript:alert(1)"}) is None
    assert media_url(None) is None
    assert media_url({"media_id": 999_999}, session=shop_session) is None
    assert media_url({"media_id": asset.id}) is None  # neither assets nor a session given
    assert media_url("not a ref") is None  # type: ignore[arg-type]


def test_load_assets_resolves_many_references_in_one_query(app, shop_session, storage):
    ids = [service.upload(shop_session, imagegen.jpeg(100 + i, 100), f"{i}.jpg").asset.id
           for i in range(5)]
    shop_session.commit()
    refs = [{"media_id": i} for i in ids] + [{"url": "https://x.cn/a.jpg"}, None]
    statements = []
    engine = app.extensions["mallkit"].engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assets = load_assets(shop_session, refs)
        urls = [media_url(r, 150, assets=assets) for r in refs]
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len([s for s in statements if "media_assets" in s]) == 1
    assert sorted(assets) == sorted(ids)
    assert urls[-1] is None and urls[-2] == "https://x.cn/a.jpg"
    assert all(u.startswith("/media/") for u in urls[:5])


def test_check_refs_exist_points_at_the_missing_image(factory, session, storage):
    shop_a, shop_b = factory.shop(), factory.shop()
    use_shop(session, shop_b.id)
    theirs = service.upload(session, imagegen.png(50, 50), "b.png").asset
    session.commit()
    use_shop(session, shop_a.id)
    mine = service.upload(session, imagegen.png(60, 60), "a.png").asset
    gone = service.upload(session, imagegen.png(70, 70), "gone.png").asset
    service.delete_asset(session, gone.id)
    check_refs_exist(session, [{"media_id": mine.id}, {"url": "https://x.cn/a.png"}], "/images")
    with pytest.raises(ValidationFailed) as info:
        check_refs_exist(session, [{"media_id": mine.id}, {"media_id": theirs.id},
                                   {"media_id": gone.id}], "/images")
    assert [e.pointer for e in info.value.errors] == ["/images/1/media_id",
                                                      "/images/2/media_id"]


def test_asset_json_lists_urls_of_the_thumbnails(shop_session, storage):
    asset = service.upload(shop_session, imagegen.webp(400, 200), "w.webp").asset
    data = asset_json(asset)
    assert data["ref"] == {"media_id": asset.id}
    assert data["url"] == f"/media/{asset.storage_key}"
    assert data["thumbnails"] == {"150": f"/media/{asset.thumbnail_keys()[150]}",
                                  "300": f"/media/{asset.thumbnail_keys()[300]}"}
    assert (data["width"], data["height"], data["status"]) == (400, 200, "ready")


def test_templates_resolve_references_through_the_request_session(app, shop, storage,
                                                                  shop_session):
    asset = service.upload(shop_session, imagegen.jpeg(800, 400), "t.jpg").asset
    shop_session.commit()
    with app.test_request_context("/s/alpha/"):
        from runtime.tenancy import enter_shop

        enter_shop(shop.slug)
        html = render_template_string(
            '<img src="{{ media_url(img, 300) }}"><img src="{{ media_url(ext) }}">'
            '{{ media_url(none) }}',
            img={"media_id": asset.id}, ext={"url": "https://x.cn/a.jpg"}, none=None)
    assert html == (f'<img src="/media/{asset.thumbnail_keys()[300]}">'
                    '<img src="https://x.cn/a.jpg">None')


def test_factory_media_image_uploads_a_real_image(factory, shop, shop_session, storage):
    asset = factory.media_image(shop, 400, 300, name="card.png", folder="demo")
    assert (asset.width, asset.height, asset.folder) == (400, 300, "demo")
    assert storage.exists(asset.storage_key)
    assert media_url({"media_id": asset.id}, 150, session=shop_session) == \
        f"/media/{asset.thumbnail_keys()[150]}"
