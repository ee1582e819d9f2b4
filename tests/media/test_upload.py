"""Uploading into the media library: what is accepted, what is stored, what is refused."""

from __future__ import annotations

import io
import os
import random

import pytest
from PIL import Image
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.media import service
from runtime.media.errors import MediaRejected
from runtime.media.models import MediaAsset
from runtime.media.processing import MediaLimits
from runtime.media.refs import media_url
from tests.media import imagegen


def _stored(storage, key: str) -> Image.Image:
    with storage.open(key) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(MediaAsset))


@pytest.mark.parametrize(("make", "fmt", "content_type", "ext"), [
    (imagegen.jpeg, "JPEG", "image/jpeg", "jpg"),
    (imagegen.png, "PNG", "image/png", "png"),
    (imagegen.webp, "WEBP", "image/webp", "webp"),
    (imagegen.gif, "GIF", "image/gif", "gif"),
])
def test_good_images_are_stored_with_thumbnails(shop, shop_session, storage, make, fmt,
                                                content_type, ext):
    data = make(1000, 600)
    result = service.upload(shop_session, data, f"商品图.{ext}", folder="首页", alt_text="红色")
    shop_session.commit()
    asset = result.asset

    assert result.created is True
    assert (asset.kind, asset.source, asset.status) == ("image", "upload", "ready")
    assert (asset.width, asset.height) == (1000, 600)
    assert asset.content_type == content_type
    assert asset.name == asset.original_filename == f"商品图.{ext}"
    assert (asset.folder, asset.alt_text) == ("首页", "红色")
    assert asset.shop_id == shop.id
    assert len(asset.sha256) == 64
    assert asset.storage_key == f"{shop.id}/{asset.sha256[:2]}/{asset.sha256}.{ext}"
    assert "商品图" not in asset.storage_key
    original = _stored(storage, asset.storage_key)
    assert original.format == fmt and original.size == (1000, 600)
    assert asset.byte_size == os.path.getsize(storage.path(asset.storage_key))

    assert sorted(asset.thumbnail_keys()) == [150, 300, 750]
    for width, key in asset.thumbnail_keys().items():
        thumb = _stored(storage, key)
        assert thumb.size == (width, round(600 * width / 1000))
        assert thumb.format == {"JPEG": "JPEG", "WEBP": "WEBP"}.get(fmt, "PNG")


def test_media_url_picks_the_smallest_thumbnail_at_least_as_wide(shop_session, storage):
    asset = service.upload(shop_session, imagegen.jpeg(1000, 500), "a.jpg").asset
    keys = asset.thumbnail_keys()
    assert media_url(asset) == f"/media/{asset.storage_key}"
    assert media_url(asset, 100) == f"/media/{keys[150]}"
    assert media_url(asset, 150) == f"/media/{keys[150]}"
    assert media_url(asset, 151) == f"/media/{keys[300]}"
    assert media_url(asset, 750) == f"/media/{keys[750]}"
    assert media_url(asset, 751) == f"/media/{asset.storage_key}"


def test_small_image_gets_no_upscaled_thumbnails(shop_session, storage):
    asset = service.upload(shop_session, imagegen.png(120, 80), "icon.png").asset
    assert asset.thumbnails == {}
    assert media_url(asset, 300) == f"/media/{asset.storage_key}"


def test_exif_and_metadata_are_stripped_after_applying_orientation(shop_session, storage):
    source = imagegen.jpeg_with_exif(400, 200, orientation=6)
    assert b"LeakyCam" in source and Image.open(io.BytesIO(source)).getexif()
    asset = service.upload(shop_session, source, "IMG_0001.jpg").asset

    with storage.open(asset.storage_key) as handle:
        stored_bytes = handle.read()
    stored = Image.open(io.BytesIO(stored_bytes))
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"Exif" not in stored_bytes and b"LeakyCam" not in stored_bytes
    # Orientation 6 means "rotate 90° clockwise": the landscape source is stored as portrait,
    # and the blue marker from the top-left corner is now in the top-right one.
    assert stored.size == (200, 400) == (asset.width, asset.height)
    red, green, blue = stored.convert("RGB").getpixel((190, 10))
    assert blue > 200 and red < 60 and green < 60
    for key in asset.thumbnail_keys().values():
        with storage.open(key) as handle:
            assert b"LeakyCam" not in handle.read()


def test_png_text_chunks_are_stripped(shop_session, storage):
    asset = service.upload(shop_session, imagegen.png_with_text(), "p.png").asset
    with storage.open(asset.storage_key) as handle:
        stored_bytes = handle.read()
    assert b"secret-author" not in stored_bytes and b"tEXt" not in stored_bytes
    assert Image.open(io.BytesIO(stored_bytes)).text == {}


def test_colour_profiles_and_unusual_modes_become_plain_web_images(shop_session, storage):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with_icc = imagegen.encode(imagegen.picture(300, 200), "JPEG", icc_profile=srgb)
    stored = _stored(storage, service.upload(shop_session, with_icc, "icc.jpg").asset.storage_key)
    assert "icc_profile" not in stored.info and stored.mode == "RGB"

    cmyk = imagegen.encode(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG")
    stored = _stored(storage, service.upload(shop_session, cmyk, "cmyk.jpg").asset.storage_key)
    red, green, blue = stored.getpixel((10, 10))
    assert stored.mode == "RGB" and red > 240 and green < 20 and blue < 20

    grey16 = imagegen.encode(Image.new("I;16", (300, 200), 30000), "PNG")
    stored = _stored(storage, service.upload(shop_session, grey16, "16bit.png").asset.storage_key)
    assert stored.mode == "L" and abs(stored.getpixel((10, 10)) - 30000 // 257) <= 1

    palette = Image.new("P", (300, 200), 0)
    palette.putpalette([255, 0, 0, 0, 255, 0])
    keyed = imagegen.encode(palette, "PNG", transparency=0)
    stored = _stored(storage, service.upload(shop_session, keyed, "keyed.png").asset.storage_key)
    assert stored.mode == "P" and stored.info["transparency"] == 0


def test_animated_gif_keeps_its_frames(shop_session, storage):
    asset = service.upload(shop_session, imagegen.animated_gif(frames=3), "spin.gif").asset
    stored = _stored(storage, asset.storage_key)
    assert stored.format == "GIF" and stored.n_frames == 3
    assert (asset.width, asset.height) == (320, 200)
    assert sorted(asset.thumbnail_keys()) == [150, 300]


def test_mp4_is_accepted_by_its_magic_bytes(shop_session, storage):
    data = imagegen.mp4()
    asset = service.upload(shop_session, data, "clip.mov").asset
    assert (asset.kind, asset.content_type, asset.width, asset.thumbnails) == (
        "video", "video/mp4", None, {})
    assert asset.storage_key.endswith(".mp4")
    with storage.open(asset.storage_key) as handle:
        assert handle.read() == data


def test_same_bytes_give_the_same_asset_per_shop(factory, session, storage):
    shop_a, shop_b = factory.shop(), factory.shop()
    data = imagegen.jpeg(300, 300)
    use_shop(session, shop_a.id)
    first = service.upload(session, data, "one.jpg")
    second = service.upload(session, data, "two.jpg", folder="other")
    session.commit()
    assert first.created and not second.created
    assert second.asset.id == first.asset.id and second.asset.name == "one.jpg"
    assert _count(session) == 1

    use_shop(session, shop_b.id)
    other = service.upload(session, data, "one.jpg")
    session.commit()
    assert other.created and other.asset.id != first.asset.id
    assert other.asset.storage_key.startswith(f"{shop_b.id}/")
    assert first.asset.storage_key.startswith(f"{shop_a.id}/")


def test_uploading_a_deleted_image_again_brings_it_back(shop_session, storage):
    data = imagegen.png(200, 100)
    asset = service.upload(shop_session, data, "a.png").asset
    service.delete_asset(shop_session, asset.id)
    assert service.list_assets(shop_session).total == 0
    again = service.upload(shop_session, data, "a.png")
    assert again.asset.id == asset.id and again.asset.deleted_at is None
    assert service.list_assets(shop_session).total == 1


def _noise(n: int) -> bytes:
    return random.Random(n).randbytes(n)


def _refused(session, data: bytes, filename: str = "x.jpg", **kw) -> MediaRejected:
    before = _count(session)
    with pytest.raises(MediaRejected) as info:
        service.upload(session, data, filename, **kw)
    assert _count(session) == before
    problem = info.value.to_problem()
    assert problem["errors"][0]["pointer"] == "/file"
    assert problem["errors"][0]["code"] == problem["code"]
    return info.value


@pytest.mark.parametrize(("data", "filename"), [
    (imagegen.fake_exe(), "cat.jpg"),
    (imagegen.SVG, "logo.svg"),
    (imagegen.SVG, "logo.png"),
    (_noise(1024 * 1024), "photo.jpg"),
    (b"GIF89a\x40\x01\xf0\x00" + _noise(500), "x.gif"),
    (b"\x89PNG\r\n\x1a\n" + _noise(500), "x.png"),
    (imagegen.encode(imagegen.picture(50, 50), "BMP"), "x.bmp"),
    (imagegen.encode(imagegen.picture(50, 50), "TIFF"), "x.jpg"),
])
def test_files_that_are_not_accepted_images_are_refused(shop_session, storage, data,
                                                        filename):
    stored_before = _stored_files(storage)  # the app's storage is shared by earlier tests
    error = _refused(shop_session, data, filename)
    assert (error.status, error.code) == (415, "unsupported_media")
    assert _stored_files(storage) == stored_before


def _stored_files(storage) -> set:
    return set(storage.root.rglob("*.*")) if storage.root.exists() else set()


@pytest.mark.parametrize("make", [imagegen.png, imagegen.jpeg, imagegen.webp, imagegen.gif])
def test_truncated_images_are_refused(shop_session, storage, make):
    data = make(600, 400)
    error = _refused(shop_session, data[: len(data) * 2 // 3])
    assert error.code == "unsupported_media"


def test_empty_file_is_refused(shop_session, storage):
    assert _refused(shop_session, b"").code == "empty_file"


def test_oversized_files_are_refused(shop_session, storage):
    limits = MediaLimits(max_image_bytes=20_000, max_video_bytes=5_000)
    data = imagegen.noisy_png(200, 200)
    assert len(data) > 20_000
    error = _refused(shop_session, data, limits=limits)
    assert (error.status, error.code) == (413, "too_large")
    error = _refused(shop_session, imagegen.mp4(8192), "v.mp4", limits=limits)
    assert (error.status, error.code) == (413, "too_large")


def test_default_limit_is_the_configured_max_upload_bytes(app, shop_session, storage):
    assert app.extensions["mallkit"].settings.max_upload_bytes == 10 * 1024 * 1024
    data = imagegen.jpeg(64, 64)
    padded = data + b"\0" * (10 * 1024 * 1024 + 1 - len(data))
    assert _refused(shop_session, padded).code == "too_large"


@pytest.mark.parametrize("data", [imagegen.png_header_bomb(), imagegen.png_pixel_bomb()])
def test_pixel_bombs_are_refused_before_decoding(shop_session, storage, data):
    assert len(data) < 100_000
    error = _refused(shop_session, data, "bomb.png")
    assert (error.status, error.code) == (422, "too_many_pixels")


def test_path_like_filenames_never_reach_the_storage(shop, shop_session, storage):
    asset = service.upload(shop_session, imagegen.jpeg(200, 200), "../../../etc/passwd.jpg",
                           folder="../x").asset
    assert asset.name == "passwd.jpg"
    assert asset.storage_key == f"{shop.id}/{asset.sha256[:2]}/{asset.sha256}.jpg"
    assert storage.path(asset.storage_key).is_relative_to(storage.root)
    assert asset.folder == "../x"  # a label only; folders never name files


@pytest.mark.postgres
def test_concurrent_uploads_of_the_same_bytes_make_one_asset(app, shop, storage):
    import threading

    factory = app.extensions["mallkit"].session_factory
    data = imagegen.jpeg(320, 240)
    first, second = factory(), factory()
    use_shop(first, shop.id)
    use_shop(second, shop.id)
    winner = service.upload(first, data, "first.jpg")  # inserted, not committed yet
    outcome = {}

    def racer():
        with app.app_context():
            outcome["result"] = service.upload(second, data, "second.jpg")  # waits on the row
            second.commit()

    thread = threading.Thread(target=racer)
    thread.start()
    thread.join(timeout=0.5)
    assert thread.is_alive()  # blocked by the unique (shop_id, sha256) of the open insert
    first.commit()
    thread.join(timeout=30)
    assert outcome["result"].created is False
    assert outcome["result"].asset.id == winner.asset.id
    assert _count(second) == 1
    first.close()
    second.close()
