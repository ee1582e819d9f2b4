"""External images: recorded at once, copied in by an RQ job, retried while unreachable."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import pytest
from PIL import Image
from rq import Queue
from rq.job import Job
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from runtime import jobs
from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.media import service
from runtime.media.fetch import (
    FetchPolicy,
    FetchRefused,
    Unreachable,
    _CheckedRedirects,
    fetch,
)
from runtime.media.jobs import copy_external_image, sweep_external_copies
from runtime.media.models import MediaAsset
from runtime.media.refs import media_url
from tests.media import imagegen
from tests.media.conftest import free_port


def _bulk_ids(redis_conn) -> list[str]:
    return Queue("bulk", connection=redis_conn).job_ids


def _scheduled_ids(redis_conn) -> list[str]:
    return ScheduledJobRegistry(queue=Queue("bulk", connection=redis_conn)).get_job_ids()


def _reload(session, asset_id: int) -> MediaAsset:
    """Read the row afresh and end the transaction (SQLite holds its write lock till then)."""
    session.expire_all()
    asset = session.scalar(select(MediaAsset).where(MediaAsset.id == asset_id))
    session.commit()
    return asset


def test_adopting_records_a_pending_asset_and_queues_the_copy_after_commit(
        shop, shop_session, app_ctx, redis_conn):
    url = "https://img.example.com/photos/%E8%A1%A3%E6%9C%8D.jpg?x=1"
    asset = service.adopt_external(shop_session, url, folder="导入")
    assert (asset.status, asset.source, asset.kind) == ("pending", "external", "image")
    assert asset.name == "衣服.jpg" and asset.folder == "导入"
    assert media_url(asset) == url  # usable right away through its own URL
    assert _bulk_ids(redis_conn) == []
    shop_session.commit()
    assert _bulk_ids(redis_conn) == [f"media-copy-{shop.id}-{asset.id}-0"]
    job = Job.fetch(f"media-copy-{shop.id}-{asset.id}-0", connection=redis_conn)
    assert job.func is copy_external_image and job.args == (shop.id, asset.id)

    again = service.adopt_external(shop_session, url)
    shop_session.commit()
    assert again.id == asset.id
    assert _bulk_ids(redis_conn) == [f"media-copy-{shop.id}-{asset.id}-0"]


@pytest.mark.parametrize("url", ["ftp://x.cn/a.jpg", "/media/a.jpg", "", "https://", 42,
                                 "https://x.cn/" + "a" * 2100])
def test_adopting_needs_an_http_url(shop_session, app_ctx, url):
    with pytest.raises(ValidationFailed) as info:
        service.adopt_external(shop_session, url)
    assert info.value.errors[0].pointer == "/url"


@pytest.mark.parametrize("url", ["http://127.0.0.1/a.jpg", "http://localhost:8080/a.jpg",
                                 "http://10.0.0.8/a.jpg", "http://169.254.169.254/latest",
                                 "http://[::1]/a.png"])
def test_private_hosts_are_refused_unless_allowed(shop_session, app_ctx, url):
    with pytest.raises(ValidationFailed) as info:
        service.adopt_external(shop_session, url, allow_private_hosts=False)
    assert (info.value.errors[0].pointer, info.value.errors[0].code) == ("/url",
                                                                          "forbidden_host")
    with pytest.raises(FetchRefused) as refused:
        fetch(url, FetchPolicy(allow_private_hosts=False))
    assert refused.value.code == "forbidden_host"


def test_every_redirect_hop_is_checked(image_server):
    # The first hop is checked too: this local server is itself a private host.
    with pytest.raises(FetchRefused):
        fetch(image_server.url("/x"), FetchPolicy(allow_private_hosts=False))
    url = image_server.serve("/hop", b"", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchRefused):
        fetch(url, FetchPolicy(allow_private_hosts=True))
    handler = _CheckedRedirects(FetchPolicy(allow_private_hosts=False))
    with pytest.raises(FetchRefused) as info:
        handler.redirect_request(None, None, 302, "Found", {},
                                 "http://169.254.169.254/latest/meta-data")
    assert info.value.code == "forbidden_host"


def test_dns_rebinding_cannot_reach_a_private_host(image_server, monkeypatch):
    """The name answers a public address when checked, then this machine's: the fetch must
    connect to what it checked, or refuse; it never reaches the private server."""
    import socket

    real = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 80))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = image_server.serve("/secret.png", imagegen.png(20, 20))
    port = url.split(":")[2].split("/")[0]
    with pytest.raises(FetchRefused) as info:
        fetch(f"http://rebind.example:{port}/secret.png", FetchPolicy(allow_private_hosts=False))
    assert info.value.code == "forbidden_host"
    assert image_server.hits == []


def test_copy_job_stores_the_image(shop, shop_session, app_ctx, image_server, storage,
                                   redis_conn):
    url = image_server.serve("/p/photo.jpg", imagegen.jpeg_with_exif(900, 450))
    asset = service.adopt_external(shop_session, url)
    shop_session.commit()

    assert copy_external_image(shop.id, asset.id) == "copied"
    asset = _reload(shop_session, asset.id)
    assert (asset.status, asset.source, asset.external_url) == ("ready", "external", url)
    assert (asset.width, asset.height) == (450, 900)  # EXIF orientation applied
    assert sorted(asset.thumbnail_keys()) == [150, 300]
    assert media_url(asset) == f"/media/{asset.storage_key}"
    with storage.open(asset.storage_key) as handle:
        data = handle.read()
    assert b"LeakyCam" not in data and not Image.open(io.BytesIO(data)).getexif()
    assert image_server.hits == ["/p/photo.jpg"]
    # Running the job again (a duplicate delivery) changes nothing.
    assert copy_external_image(shop.id, asset.id) == "skipped"
    assert image_server.hits == ["/p/photo.jpg"]


def test_unreachable_image_is_retried_later_and_then_copied(
        shop, shop_session, app_ctx, start_server, redis_conn, clock):
    port = free_port()
    url = f"http://127.0.0.1:{port}/later.png"
    asset = service.adopt_external(shop_session, url)
    shop_session.commit()
    first = f"media-copy-{shop.id}-{asset.id}-0"
    assert _bulk_ids(redis_conn) == [first]

    assert copy_external_image(shop.id, asset.id) == "retry"
    asset = _reload(shop_session, asset.id)
    assert (asset.status, asset.copy_attempts) == ("pending", 1)
    assert asset.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "127.0.0.1" in asset.last_error
    assert media_url(asset) == url  # still shown from its own URL meanwhile
    second = f"media-copy-{shop.id}-{asset.id}-1"
    assert _scheduled_ids(redis_conn) == [second]

    server = start_server(port)  # the host comes back
    server.serve("/later.png", imagegen.png(400, 300), content_type="image/png")
    assert jobs.release_due_jobs(redis_conn) == []
    clock.advance(timedelta(minutes=1, seconds=1))
    assert jobs.release_due_jobs(redis_conn) == [second]

    job = Job.fetch(second, connection=redis_conn)
    assert job.perform() == "copied"
    asset = _reload(shop_session, asset.id)
    assert (asset.status, asset.copy_attempts, asset.last_error) == ("ready", 1, "")
    assert asset.next_attempt_at is None
    # The first attempt's job, if it ran late, finds nothing left to do.
    assert copy_external_image(shop.id, asset.id) == "skipped"


def test_an_image_that_stays_unreachable_fails_without_failing_anything_else(
        shop, shop_session, app_ctx, redis_conn, clock, storage):
    url = f"http://127.0.0.1:{free_port()}/never.jpg"
    asset = service.adopt_external(shop_session, url)
    other = service.upload(shop_session, imagegen.jpeg(200, 100), "ok.jpg").asset
    shop_session.commit()
    outcomes = [copy_external_image(shop.id, asset.id) for _ in range(7)]
    assert outcomes == ["retry"] * 6 + ["failed"]
    asset = _reload(shop_session, asset.id)
    assert (asset.status, asset.copy_attempts, asset.next_attempt_at) == ("failed", 7, None)
    assert media_url(asset) is None
    assert _reload(shop_session, other.id).status == "ready"
    assert service.list_assets(shop_session).total == 2

    # Adopting the same URL again starts a new round of tries.
    again = service.adopt_external(shop_session, url)
    shop_session.commit()
    assert again.id == asset.id
    assert (again.status, again.copy_attempts, again.last_error) == ("pending", 0, "")
    assert f"media-copy-{shop.id}-{asset.id}-0" in _bulk_ids(redis_conn)


@pytest.mark.parametrize(("route", "code"), [
    ({"body": b"<html>not found</html>", "status": 404, "content_type": "text/html"},
     "not_found"),
    ({"body": b"<html>no</html>", "status": 403, "content_type": "text/html"}, "http_error"),
    ({"body": b"<html>hello</html>", "content_type": "text/html"}, "unsupported_media"),
    ({"body": imagegen.SVG, "content_type": "image/svg+xml"}, "unsupported_media"),
    ({"body": imagegen.png_header_bomb(), "content_type": "image/png"}, "too_many_pixels"),
    ({"body": imagegen.mp4(), "content_type": "video/mp4"}, "unsupported_media"),
])
def test_what_can_never_be_copied_fails_at_once(shop, shop_session, app_ctx, image_server,
                                                redis_conn, route, code):
    url = image_server.serve("/thing", **route)
    asset = service.adopt_external(shop_session, url)
    shop_session.commit()
    assert copy_external_image(shop.id, asset.id) == "failed"
    asset = _reload(shop_session, asset.id)
    assert asset.status == "failed" and asset.last_error.startswith(code)
    assert _scheduled_ids(redis_conn) == []


def test_server_errors_are_retried(shop, shop_session, app_ctx, image_server, redis_conn):
    url = image_server.serve("/busy.jpg", b"busy", status=503, content_type="text/plain")
    asset = service.adopt_external(shop_session, url)
    shop_session.commit()
    assert copy_external_image(shop.id, asset.id) == "retry"
    assert "HTTP 503" in _reload(shop_session, asset.id).last_error


def test_downloads_are_size_capped(image_server):
    url = image_server.serve("/big.png", imagegen.noisy_png(200, 200), content_type="image/png")
    with pytest.raises(FetchRefused) as info:
        fetch(url, FetchPolicy(max_bytes=10_000, allow_private_hosts=True))
    assert info.value.code == "too_large"
    with pytest.raises(Unreachable):
        fetch(f"http://127.0.0.1:{free_port()}/x", FetchPolicy(allow_private_hosts=True))


def test_a_copy_of_bytes_the_shop_already_has_joins_that_asset(
        shop, shop_session, app_ctx, image_server, redis_conn, storage):
    data = imagegen.jpeg(640, 480)
    uploaded = service.upload(shop_session, data, "mine.jpg").asset
    external = service.adopt_external(shop_session, image_server.serve("/same.jpg", data))
    shop_session.commit()
    assert copy_external_image(shop.id, external.id) == "copied"
    external = _reload(shop_session, external.id)
    assert external.deleted_at is not None and external.sha256 is None
    assert external.storage_key == uploaded.storage_key
    assert media_url({"media_id": external.id}, session=shop_session) == media_url(uploaded)
    assert [a.id for a in service.list_assets(shop_session).items] == [uploaded.id]
    assert service.adopt_external(shop_session, image_server.url("/same.jpg")).id == uploaded.id
    assert [a.id for a in service.list_assets(shop_session).items] == [uploaded.id]


def test_a_deleted_pending_image_is_not_copied(shop, shop_session, app_ctx, image_server,
                                               redis_conn):
    asset = service.adopt_external(shop_session, image_server.serve("/a.jpg", imagegen.jpeg()))
    service.delete_asset(shop_session, asset.id)
    shop_session.commit()
    assert copy_external_image(shop.id, asset.id) == "skipped"
    assert image_server.hits == []

    redis_conn.flushdb()
    revived = service.adopt_external(shop_session, image_server.url("/a.jpg"))
    shop_session.commit()
    assert revived.id == asset.id and revived.deleted_at is None
    assert _bulk_ids(redis_conn) == [f"media-copy-{shop.id}-{asset.id}-0"]
    assert copy_external_image(shop.id, asset.id) == "copied"


def test_sweeper_requeues_copies_whose_job_was_lost(factory, session, app_ctx, redis_conn,
                                                    clock):
    shop_a, shop_b = factory.shop(), factory.shop()
    use_shop(session, shop_a.id)
    a = service.adopt_external(session, "https://a.example.com/1.jpg")
    session.commit()
    use_shop(session, shop_b.id)
    b = service.adopt_external(session, "https://b.example.com/2.jpg")
    session.commit()
    redis_conn.flushdb()  # Redis lost the queued jobs

    assert sweep_external_copies() == 0  # not overdue yet
    clock.advance(timedelta(minutes=3))
    assert sweep_external_copies() == 2
    assert sorted(_bulk_ids(redis_conn)) == sorted([f"media-copy-{shop_a.id}-{a.id}-0",
                                                    f"media-copy-{shop_b.id}-{b.id}-0"])
    assert sweep_external_copies() == 2  # still overdue, but the queued jobs are not doubled
    assert len(_bulk_ids(redis_conn)) == 2


def test_copy_runs_on_a_real_worker(shop, shop_session, app_ctx, image_server, redis_conn,
                                    worker_env, storage):
    url = image_server.serve("/w.webp", imagegen.webp(500, 500), content_type="image/webp")
    asset = service.adopt_external(shop_session, url)
    shop_session.commit()
    env = dict(worker_env, MALLKIT_MEDIA_FETCH_PRIVATE_HOSTS="1")
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    asset = _reload(shop_session, asset.id)
    assert asset.status == "ready" and storage.exists(asset.storage_key)
    assert Job.fetch(f"media-copy-{shop.id}-{asset.id}-0",
                     connection=redis_conn).return_value() == "copied"
