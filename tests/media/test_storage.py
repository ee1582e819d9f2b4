"""Storage keys are the library's own (content-addressed, per shop); files are served safely."""

from __future__ import annotations

import pytest

from runtime.media import service
from runtime.media.storage import InvalidKey, LocalStorage, build_key, check_key
from tests.media import imagegen

SHA = "ab" + "0" * 62


def test_keys_are_content_addressed_and_per_shop():
    assert build_key(7, SHA, "jpg") == f"7/ab/{SHA}.jpg"
    assert build_key(7, SHA, "png", 300) == f"7/ab/{SHA}-w300.png"


@pytest.mark.parametrize("key", [
    "../../etc/passwd",
    f"7/ab/../../{SHA}.jpg",
    f"/7/ab/{SHA}.jpg",
    f"7/ab/{SHA}.jpg/../../x.jpg",
    f"7\\ab\\{SHA}.jpg",
    f"7/ab/{SHA}.exe",
    f"7/ab/{SHA}.jpg\n",
    f"7/ab/{SHA}.JPG",
    "7/ab/photo.jpg",
    f"7/./ab/{SHA}.jpg",
    "",
])
def test_anything_but_a_library_key_is_refused(tmp_path, key):
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(InvalidKey):
        check_key(key)
    with pytest.raises(InvalidKey):
        storage.path(key)
    with pytest.raises(InvalidKey):
        storage.save(key, b"x")
    with pytest.raises(InvalidKey):
        storage.open(key)
    assert not (tmp_path / "etc").exists()


def test_local_storage_saves_atomically_and_deletes(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    key = build_key(1, SHA, "png")
    assert not storage.exists(key)
    storage.save(key, b"\x89PNG data")
    assert storage.exists(key)
    with storage.open(key) as handle:
        assert handle.read() == b"\x89PNG data"
    assert storage.url(key) == f"/media/{key}"
    assert [p.name for p in storage.path(key).parent.iterdir()] == [f"{SHA}.png"]
    storage.delete(key)
    assert not storage.exists(key)


def test_a_stored_file_is_served_with_long_cache_headers(app, client, shop, shop_session):
    with app.app_context():
        asset = service.upload(shop_session, imagegen.jpeg(400, 300), "a.jpg").asset
        shop_session.commit()
    response = client.get(f"/media/{asset.storage_key}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data[:3] == b"\xff\xd8\xff"
    etag = response.headers["ETag"]
    assert client.get(f"/media/{asset.storage_key}",
                      headers={"If-None-Match": etag}).status_code == 304
    thumb = client.get(f"/media/{asset.thumbnail_keys()[150]}")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"


@pytest.mark.parametrize("path", [
    "/media/../instance/secret_key",
    "/media/%2e%2e/%2e%2e/etc/passwd",
    "/media/..%2fmallkit.sqlite3",
    "/media/1/ab/" + "0" * 64 + ".jpg",
    "/media/mallkit.sqlite3",
    "/media/",
])
def test_serving_refuses_anything_but_existing_keys(client, settings, path):
    (settings.data_dir / "media").mkdir(exist_ok=True)
    response = client.get(path)
    assert response.status_code == 404
    assert b"secret" not in response.data and b"SQLite" not in response.data
