"""Image URLs of an import: shown as URLs at once, then adopted into the media library by
the import's follow-up job, which points products and SKUs at the new assets; the library
copies what it can reach, and an unreachable image fails neither the import nor the job."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator

import pytest
from rq.job import Job
from sqlalchemy import select

from runtime.db import use_shop
from runtime.media.jobs import copy_external_image
from runtime.media.models import MediaAsset
from runtime.modules.catalog.importing.images import adopt_import_images
from runtime.modules.catalog.importing.jobs import images_job_id, import_job_id
from runtime.modules.catalog.importing.models import CatalogImport
from runtime.modules.catalog.models import Product
from runtime.modules.catalog.products import update_product
from tests.catalog.importing.helpers import import_file, products_by_code, workbook_bytes
from tests.media import imagegen
from tests.media.conftest import ImageServer, free_port


@pytest.fixture
def settings(settings):
    """Let the library's copies reach this test's 127.0.0.1 image server."""
    return settings.replace(media_fetch_private_hosts=True)


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    server = ImageServer()
    yield server
    server.stop()


def _assets(app, shop) -> dict[str, MediaAsset]:
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        return {a.external_url: a for a in session.scalars(select(MediaAsset))}


def _rows(cover: str, extra: str, variant: str) -> list[dict]:
    return [
        {"product_code": "IMG-1", "title": "有图商品", "images": f"{cover}\n{extra}",
         "spec1_name": "颜色", "spec1_value": "红", "price": "10", "sku_image": variant},
        {"product_code": "IMG-1", "spec1_value": "蓝", "price": "10", "sku_image": cover},
        {"product_code": "IMG-2", "title": "同一张封面", "images": cover, "price": "5"},
    ]


def test_urls_are_adopted_and_copied_and_unreachable_ones_do_not_fail(
        app, shop, image_server, redis_conn):
    cover = image_server.serve("/cover.jpg", imagegen.jpeg(800, 800))
    variant = image_server.serve("/red.png", imagegen.png(400, 400))
    gone = f"http://127.0.0.1:{free_port()}/gone.jpg"
    run = import_file(app, shop, workbook_bytes(_rows(cover, gone, variant)))
    assert (run.created_count, run.failed_count, run.images_status) == (2, 0, "queued")
    found = products_by_code(app, shop)
    assert found["IMG-1"]["product"].images == [{"url": cover}, {"url": gone}]
    assert sorted(run.image_products) == sorted(p["product"].id for p in found.values())

    job = Job.fetch(images_job_id(shop.id, run.id), connection=redis_conn)
    assert job.origin == "bulk"
    with app.app_context():
        assert job.func(*job.args) == 5  # 3 product images and 2 SKU images
    assets = _assets(app, shop)
    assert set(assets) == {cover, gone, variant}  # one asset per URL, however often used
    found = products_by_code(app, shop)
    assert found["IMG-1"]["product"].images == [{"media_id": assets[cover].id},
                                                {"media_id": assets[gone].id}]
    assert found["IMG-2"]["product"].images == [{"media_id": assets[cover].id}]
    assert found["IMG-1"]["skus"][("红",)].image == {"media_id": assets[variant].id}
    assert found["IMG-1"]["skus"][("蓝",)].image == {"media_id": assets[cover].id}

    with app.app_context():
        assert copy_external_image(shop.id, assets[cover].id) == "copied"
        assert copy_external_image(shop.id, assets[gone].id) == "retry"
    assets = _assets(app, shop)
    assert assets[cover].status == "ready" and assets[gone].status == "pending"
    with app.extensions["mallkit"].session_factory() as session:
        use_shop(session, shop.id)
        assert session.get(CatalogImport, run.id).images_status == "done"

    # the file imported again is unchanged: its URLs are what the assets came from
    again = import_file(app, shop, workbook_bytes(_rows(cover, gone, variant)))
    assert (again.unchanged_count, again.image_products, again.images_status) == (2, [], "")


def test_only_references_still_holding_the_url_are_swapped(app, shop, shop_session,
                                                           image_server):
    cover = image_server.serve("/cover.jpg", imagegen.jpeg(300, 300))
    run = import_file(app, shop, workbook_bytes([
        {"product_code": "K-1", "title": "改过图", "images": cover, "price": "1"}]))
    product = products_by_code(app, shop)["K-1"]["product"]
    update_product(shop_session, product.id,
                   {"images": [{"url": "https://cdn.example.com/new.jpg"}]})
    shop_session.commit()
    assert adopt_import_images(shop_session, run.id) == 0
    assert shop_session.get(Product, product.id).images == [
        {"url": "https://cdn.example.com/new.jpg"}]
    assert adopt_import_images(shop_session, run.id) == 0  # done: a repeat does nothing


def test_a_url_the_library_refuses_stays_a_url(app, shop, settings, shop_session, monkeypatch):
    run = import_file(app, shop, workbook_bytes([
        {"product_code": "P-1", "title": "内网图", "images": "http://10.0.0.8/a.jpg",
         "price": "1"}]))
    with app.app_context():
        from runtime.extension import state

        monkeypatch.setattr(state(), "settings",  # undone after the test: the app is shared
                            settings.replace(media_fetch_private_hosts=False))
        assert adopt_import_images(shop_session, run.id) == 0
    assert products_by_code(app, shop)["P-1"]["product"].images == [
        {"url": "http://10.0.0.8/a.jpg"}]


def test_a_real_worker_runs_the_import_its_images_and_the_copies(
        app, client, factory, shop, image_server, redis_conn, worker_env):
    cover = image_server.serve("/cover.jpg", imagegen.jpeg(600, 600))
    gone = f"http://127.0.0.1:{free_port()}/gone.jpg"
    token = factory.console_login(client, factory.merchant(shop))
    data = workbook_bytes([{"product_code": "W-1", "title": "后台导入",
                            "images": f"{cover}\n{gone}", "price": "19.9", "stock": 3}])
    response = client.post(f"/console/shops/{shop.slug}/catalog/imports",
                           data={"file": (io.BytesIO(data), "w.xlsx"), "csrf_token": token},
                           headers={"Accept": "application/json"},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.get_data(as_text=True)
    run_id = response.json["id"]
    env = dict(worker_env, MALLKIT_MEDIA_FETCH_PRIVATE_HOSTS="1")
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert Job.fetch(import_job_id(shop.id, run_id), connection=redis_conn).return_value() == \
        "done"
    progress = client.get(f"/console/shops/{shop.slug}/catalog/imports/{run_id}/progress").json
    assert (progress["status"], progress["created"], progress["progress"]) == ("done", 1, 1.0)
    assets = _assets(app, shop)
    assert assets[cover].status == "ready"  # copied by the media job the follow-up queued
    assert assets[gone].status == "pending" and assets[gone].copy_attempts == 1
    product = products_by_code(app, shop)["W-1"]["product"]
    assert product.images == [{"media_id": assets[cover].id}, {"media_id": assets[gone].id}]
