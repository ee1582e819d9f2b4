"""The media library in the console: JSON endpoints, the page, permissions and tenancy."""

from __future__ import annotations

import io

import pytest
from rq import Queue
from sqlalchemy import select

from runtime.app import create_app
from runtime.media.models import MediaAsset
from tests.media import imagegen

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def owner(factory, shop):
    return factory.merchant(shop)


@pytest.fixture
def token(client, factory, owner) -> str:
    return factory.console_login(client, owner)


def _base(shop) -> str:
    return f"/console/shops/{shop.slug}/media"


def _upload(client, shop, token, data: bytes, filename: str = "a.jpg", **fields):
    form = {"file": (io.BytesIO(data), filename), **fields}
    return client.post(f"{_base(shop)}/assets", data=form, content_type="multipart/form-data",
                       headers={**JSON, "X-CSRF-Token": token})


def _asset(app, asset_id: int) -> MediaAsset | None:
    from runtime.db import platform_access

    with app.extensions["mallkit"].session_factory() as s, \
            platform_access(s, "test: read a media asset"):
        return s.scalar(select(MediaAsset).where(MediaAsset.id == asset_id))


def test_upload_list_rename_delete(app, client, shop, token):
    response = _upload(client, shop, token, imagegen.jpeg(900, 300), "横幅.jpg", folder="首页")
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.json
    assert (created["name"], created["folder"], created["width"]) == ("横幅.jpg", "首页", 900)
    assert created["ref"] == {"media_id": created["id"]}
    assert sorted(created["thumbnails"]) == ["150", "300", "750"]
    assert client.get(created["url"]).status_code == 200

    again = _upload(client, shop, token, imagegen.jpeg(900, 300), "copy.jpg")
    assert again.status_code == 200 and again.json["id"] == created["id"]

    _upload(client, shop, token, imagegen.png(100, 100), "logo.png")
    listing = client.get(f"{_base(shop)}/assets?per_page=1", headers=JSON).json
    assert (listing["total"], listing["pages"], len(listing["items"])) == (2, 2, 1)
    assert listing["folders"] == [{"name": "", "count": 1}, {"name": "首页", "count": 1}]
    found = client.get(f"{_base(shop)}/assets", query_string={"q": "横"}, headers=JSON).json
    assert [i["id"] for i in found["items"]] == [created["id"]]
    in_folder = client.get(f"{_base(shop)}/assets", query_string={"folder": ""},
                           headers=JSON).json
    assert [i["name"] for i in in_folder["items"]] == ["logo.png"]

    one = f"{_base(shop)}/assets/{created['id']}"
    assert client.get(one, headers=JSON).json["name"] == "横幅.jpg"
    renamed = client.patch(one, json={"name": "首页横幅.jpg", "alt_text": "促销"},
                           headers={"X-CSRF-Token": token})
    assert renamed.status_code == 200
    assert (renamed.json["name"], renamed.json["alt_text"]) == ("首页横幅.jpg", "促销")

    assert client.delete(one, headers={**JSON, "X-CSRF-Token": token}).status_code == 204
    assert client.get(one, headers=JSON).status_code == 404
    assert client.get(f"{_base(shop)}/assets", headers=JSON).json["total"] == 1
    assert _asset(app, created["id"]).deleted_at is not None


def test_writes_need_the_csrf_token(client, shop, token):
    response = client.post(f"{_base(shop)}/assets",
                           data={"file": (io.BytesIO(imagegen.png(50, 50)), "a.png")},
                           content_type="multipart/form-data", headers=JSON)
    assert response.status_code == 403 and response.json["code"] == "csrf_failed"
    assert client.get(f"{_base(shop)}/assets", headers=JSON).json["total"] == 0


@pytest.mark.parametrize(("data", "filename", "status", "code"), [
    (imagegen.fake_exe(), "cat.jpg", 415, "unsupported_media"),
    (imagegen.SVG, "logo.svg", 415, "unsupported_media"),
    (imagegen.png(300, 300)[:400], "cut.png", 415, "unsupported_media"),
    (imagegen.png_header_bomb(), "bomb.png", 422, "too_many_pixels"),
    (b"", "empty.png", 422, "empty_file"),
])
def test_refused_uploads_are_problems_naming_the_file_field(client, shop, token, data,
                                                            filename, status, code):
    response = _upload(client, shop, token, data, filename)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert [e["pointer"] for e in response.json["errors"]] == ["/file"]
    assert client.get(f"{_base(shop)}/assets", headers=JSON).json["total"] == 0


def test_missing_file_is_a_422_on_file(client, shop, token):
    response = client.post(f"{_base(shop)}/assets", data={"folder": "x"},
                           content_type="multipart/form-data",
                           headers={**JSON, "X-CSRF-Token": token})
    assert response.status_code == 422
    assert response.json["errors"][0]["pointer"] == "/file"


def test_upload_route_accepts_more_than_the_general_body_limit(app, client, shop, token):
    general = app.config["MAX_CONTENT_LENGTH"]
    data = imagegen.noisy_png(1200, 1000)
    assert general < len(data) < app.extensions["mallkit"].settings.max_upload_bytes
    assert _upload(client, shop, token, data, "big.png").status_code == 201
    other = client.patch(f"{_base(shop)}/assets/1", data=b"{" + b" " * general + b"}",
                         content_type="application/json", headers={"X-CSRF-Token": token})
    assert other.status_code == 413


def test_bodies_over_the_upload_limit_are_too_large_on_file(app, settings, shop, factory,
                                                            owner):
    small = create_app(settings.replace(max_upload_bytes=50_000, max_video_bytes=60_000))
    try:
        client = small.test_client()
        token = factory.console_login(client, owner)
        data = imagegen.noisy_png(300, 300)
        assert 60_000 < len(data) < 60_000 + 256 * 1024
        response = _upload(client, shop, token, data, "a.png")  # in the route's envelope
        assert (response.status_code, response.json["code"]) == (413, "too_large")
        assert response.json["errors"][0]["pointer"] == "/file"
        huge = imagegen.noisy_png(700, 700)
        assert len(huge) > 60_000 + 256 * 1024
        response = _upload(client, shop, token, huge, "b.png")
        assert (response.status_code, response.json["code"]) == (413, "too_large")
        assert response.json["errors"][0]["pointer"] == "/file"
        # A form post carrying the token as a field: the CSRF check reads the body first.
        response = client.post(f"{_base(shop)}/assets", content_type="multipart/form-data",
                               data={"csrf_token": token, "file": (io.BytesIO(huge), "c.png")},
                               headers=JSON)
        assert (response.status_code, response.json["code"]) == (413, "too_large")
    finally:
        small.extensions["mallkit"].engine.dispose()


def test_bad_edits_are_422_naming_the_field(client, shop, token):
    asset_id = _upload(client, shop, token, imagegen.png(80, 80)).json["id"]
    one = f"{_base(shop)}/assets/{asset_id}"
    response = client.patch(one, json={"name": " ", "folder": "f" * 100},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json["errors"]] == ["/name", "/folder"]
    response = client.patch(one, json={"storage_key": "x", "shop_id": 2},
                            headers={"X-CSRF-Token": token})
    assert [e["pointer"] for e in response.json["errors"]] == ["/shop_id", "/storage_key"]
    response = client.patch(one, data="name=x", content_type="text/plain",
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 415
    assert client.get(one, headers=JSON).json["name"] == "a.jpg"
    bad_page = client.get(f"{_base(shop)}/assets?page=abc", headers=JSON)
    assert bad_page.status_code == 422 and bad_page.json["errors"][0]["pointer"] == "/page"


def test_adopting_an_external_image(client, shop, token, redis_conn):
    response = client.post(f"{_base(shop)}/assets/external",
                           json={"url": "https://cdn.example.com/a/b/shoe.png", "folder": "导入"},
                           headers={"X-CSRF-Token": token})
    assert response.status_code == 202
    body = response.json
    assert (body["status"], body["source"], body["name"]) == ("pending", "external", "shoe.png")
    assert body["url"] == "https://cdn.example.com/a/b/shoe.png"
    assert Queue("bulk", connection=redis_conn).job_ids == [
        f"media-copy-{shop.id}-{body['id']}-0"]
    bad = client.post(f"{_base(shop)}/assets/external", json={"url": "file:///etc/passwd"},
                      headers={"X-CSRF-Token": token})
    assert bad.status_code == 422 and bad.json["errors"][0]["pointer"] == "/url"


def test_another_shops_assets_are_out_of_reach(app, client, factory, shop, token):
    other_shop = factory.shop(slug="beta")
    other_client = app.test_client()
    other_token = factory.console_login(other_client, factory.merchant(other_shop))
    theirs = _upload(other_client, other_shop, other_token, imagegen.png(70, 70), "b.png").json

    assert client.get(f"{_base(other_shop)}/assets", headers=JSON).status_code == 404
    assert _upload(client, other_shop, token, imagegen.png(60, 60)).status_code == 404
    one = f"{_base(shop)}/assets/{theirs['id']}"
    assert client.get(one, headers=JSON).status_code == 404
    assert client.patch(one, json={"name": "mine.png"},
                        headers={"X-CSRF-Token": token}).status_code == 404
    assert client.delete(one, headers={**JSON, "X-CSRF-Token": token}).status_code == 404
    assert client.post(f"{one}/delete", headers={**JSON, "X-CSRF-Token": token}
                       ).status_code == 404
    assert client.get(f"{_base(shop)}/assets", headers=JSON).json["total"] == 0
    stored = _asset(app, theirs["id"])
    assert (stored.name, stored.deleted_at) == ("b.png", None)


@pytest.mark.parametrize(("areas", "status"), [([], 403), (["orders"], 403),
                                               (["pages"], 200), (["catalog"], 200)])
def test_staff_need_the_pages_or_catalog_area(client, factory, shop, areas, status):
    staff = factory.merchant(shop, role="staff", areas=areas)
    factory.console_login(client, staff)
    assert client.get(f"{_base(shop)}/assets", headers=JSON).status_code == status


def test_logged_out_clients_are_turned_away(client, shop):
    assert client.get(f"{_base(shop)}/assets", headers=JSON).status_code == 401
    page = client.get(_base(shop), headers=HTML)
    assert page.status_code == 302 and "/console/login" in page.headers["Location"]


def test_library_page_lists_and_filters(client, shop, token):
    _upload(client, shop, token, imagegen.jpeg(800, 400), "夏季横幅.jpg", folder="首页")
    _upload(client, shop, token, imagegen.png(120, 120), "logo.png")
    page = client.get(_base(shop), headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "素材库" in html and "夏季横幅.jpg" in html and "logo.png" in html
    assert f'href="{_base(shop)}"' in html  # the nav entry
    assert "/media/" in html and "library.js" in html
    filtered = client.get(_base(shop), query_string={"folder": "首页"}, headers=HTML)
    text = filtered.get_data(as_text=True)
    assert "夏季横幅.jpg" in text and "logo.png" not in text
    searched = client.get(_base(shop), query_string={"q": "nothing"}, headers=HTML)
    assert "没有与“nothing”匹配的素材" in searched.get_data(as_text=True)
    assert client.get("/console/media-static/library.js").status_code == 200


def test_plain_forms_work_without_script(client, shop, token):
    response = client.post(f"{_base(shop)}/assets", content_type="multipart/form-data",
                           data={"csrf_token": token, "folder": "",
                                 "file": (io.BytesIO(imagegen.gif(200, 100)), "动图.gif")},
                           headers=HTML)
    assert response.status_code == 302 and response.headers["Location"].endswith(_base(shop))
    page = client.get(_base(shop), headers=HTML).get_data(as_text=True)
    assert "已上传 动图.gif" in page

    refused = client.post(f"{_base(shop)}/assets", content_type="multipart/form-data",
                          data={"csrf_token": token,
                                "file": (io.BytesIO(imagegen.fake_exe()), "x.jpg")},
                          headers=HTML)
    assert refused.status_code == 302
    assert "JPEG, PNG, WebP or GIF" in client.get(_base(shop), headers=HTML).get_data(
        as_text=True)

    asset_id = client.get(f"{_base(shop)}/assets", headers=JSON).json["items"][0]["id"]
    deleted = client.post(f"{_base(shop)}/assets/{asset_id}/delete",
                          data={"csrf_token": token, "next": "https://evil.example/"},
                          headers=HTML)
    assert deleted.status_code == 302 and "evil" not in deleted.headers["Location"]
    assert client.get(f"{_base(shop)}/assets", headers=JSON).json["total"] == 0
