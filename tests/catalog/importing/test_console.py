"""The import and export screens: template download, upload (a queued job), the progress
endpoint the bar polls, the error report download, exports with the list's filters, limits
and refusals as problem+json, CSRF, the catalog area, and other shops' runs answering 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rq.job import Job

from runtime.accounts.models import Role
from runtime.modules.catalog.importing.jobs import export_job_id, import_job_id
from runtime.modules.catalog.importing.reader import MAX_FILE_BYTES
from tests.catalog.importing.helpers import products_by_code, workbook_bytes

BASE = "/console/shops/alpha/catalog"
JSON = {"Accept": "application/json"}
ROWS = [{"product_code": "C-1", "title": "控制台导入", "price": "9.90", "stock": 3},
        {"product_code": "C-2", "title": "坏价格", "price": "九块九"}]


@pytest.fixture
def owner(app, factory, shop):
    client = app.test_client()
    client.csrf = factory.console_login(client, factory.merchant(shop))
    return client


def _upload(client, data: bytes, name: str = "products.xlsx", **form):
    return client.post(f"{BASE}/imports", headers=JSON, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), "csrf_token": client.csrf,
                             **form})


def _run(app, redis_conn, jid: str):
    job = Job.fetch(jid, connection=redis_conn)
    assert job.origin == "bulk" and job.timeout == 7200
    with app.app_context():
        return job.func(*job.args)


def test_the_template_downloads(owner):
    response = owner.get(f"{BASE}/imports/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["商品", "说明"]
    headers = [c.value for c in workbook["商品"][1]]
    assert headers[:3] == ["商品编码", "商品名称", "副标题"] and "售价(元)" in headers
    assert workbook["商品"]["B1"].comment is not None  # each column explains itself


def test_upload_runs_as_a_job_with_progress_and_a_report(app, owner, shop, redis_conn):
    page = owner.get(f"{BASE}/imports")
    assert page.status_code == 200 and "下载导入模板" in page.get_data(as_text=True)
    started = _upload(owner, workbook_bytes(ROWS))
    assert started.status_code == 202, started.get_data(as_text=True)
    body = started.json
    assert (body["status"], body["progress"], body["filename"]) == ("queued", 0.0,
                                                                    "products.xlsx")
    assert _run(app, redis_conn, import_job_id(shop.id, body["id"])) == "done"
    progress = owner.get(body["progress_url"])
    assert progress.headers["Cache-Control"] == "no-store"
    data = progress.json
    assert (data["status"], data["progress"], data["format"]) == ("done", 1.0, "mallkit")
    assert (data["created"], data["failed"], data["failed_rows"]) == (1, 1, 1)
    report = owner.get(data["report_url"])
    assert report.status_code == 200
    assert "attachment" in report.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(report.data)).worksheets[0]
    assert sheet["A2"].value == "C-2"
    assert sheet.cell(2, [c.value for c in sheet[1]].index("售价(元)") + 1).comment.text == (
        "不是有效的金额（元，最多两位小数，例如 12.90）")  # the uploader's language
    html = owner.get(body["url"]).get_data(as_text=True)
    assert "下载错误报告" in html and 'role="progressbar"' in html and "已完成" in html
    listing = owner.get(f"{BASE}/imports", headers=JSON).json
    assert [i["id"] for i in listing["items"]] == [body["id"]]
    assert list(products_by_code(app, shop)) == ["C-1"]


def test_a_queued_import_page_refreshes_itself(app, owner, shop, redis_conn):
    started = _upload(owner, workbook_bytes(ROWS)).json
    html = owner.get(started["url"]).get_data(as_text=True)
    assert 'http-equiv="refresh"' in html  # without script the page refreshes itself
    assert "排队中" in html and 'data-status="queued"' in html
    assert owner.get(f"{BASE}/imports/{started['id']}/report.xlsx").status_code == 404


def test_the_html_form_redirects_to_the_run(owner):
    response = owner.post(f"{BASE}/imports", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(workbook_bytes(ROWS)), "a.xlsx"),
                                "csrf_token": owner.csrf, "create_categories": "1"})
    assert response.status_code == 302
    assert "/catalog/imports/1" in response.headers["Location"]
    run = owner.get(f"{BASE}/imports/1", headers=JSON).json
    assert run["status"] == "queued"


@pytest.mark.parametrize("data, name, status, code", [
    (b"", "empty.xlsx", 422, "empty_file"),
    (b"\xd0\xcf\x11\xe0old", "old.xls", 422, "unsupported"),
])
def test_bad_uploads_are_problems_naming_the_file(owner, data, name, status, code):
    response = _upload(owner, data, name)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["pointer"] == "/file"
    assert response.json["errors"][0]["code"] == code


def test_missing_file_and_bad_options(owner):
    response = owner.post(f"{BASE}/imports", headers=JSON, content_type="multipart/form-data",
                          data={"csrf_token": owner.csrf})
    assert (response.status_code, response.json["errors"][0]["pointer"]) == (422, "/file")
    response = _upload(owner, workbook_bytes(ROWS), format="magento")
    assert (response.status_code, response.json["errors"][0]["pointer"]) == (422, "/format")


def test_files_over_the_limit_are_413(owner):
    big = b"x" * (MAX_FILE_BYTES + 10)
    response = _upload(owner, big, "big.csv")
    assert (response.status_code, response.json["code"]) == (413, "too_large")
    assert response.json["errors"][0]["pointer"] == "/file"
    huge = b"x" * (MAX_FILE_BYTES + 400 * 1024)  # over the route's whole-body limit
    response = _upload(owner, huge, "huge.csv")
    assert (response.status_code, response.json["code"]) == (413, "too_large")


def test_uploads_need_the_csrf_token(app, factory, shop):
    client = app.test_client()
    factory.console_login(client, factory.merchant(shop))
    response = client.post(f"{BASE}/imports", headers=JSON, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(workbook_bytes(ROWS)), "a.xlsx")})
    assert (response.status_code, response.json["code"]) == (403, "csrf_failed")


def test_exports_with_the_lists_filters(app, owner, shop, factory, redis_conn):
    factory.product(shop, "上架的", code="ON", status="on_sale")
    factory.product(shop, "草稿的", code="DRAFT", status="draft")
    page = owner.get(f"{BASE}/exports?status=draft&q=草稿").get_data(as_text=True)
    assert '<option value="draft" selected>' in page and 'value="草稿"' in page
    started = owner.post(f"{BASE}/exports?status=draft", headers={**JSON,
                                                                  "X-CSRF-Token": owner.csrf})
    assert started.status_code == 202 and started.json["download_url"] is None
    assert _run(app, redis_conn, export_job_id(shop.id, started.json["id"])) == "done"
    done = owner.get(started.json["url"]).json
    assert (done["status"], done["products"], done["skus"]) == ("done", 1, 1)
    download = owner.get(done["download_url"])
    rows = list(load_workbook(io.BytesIO(download.data)).worksheets[0].iter_rows(
        values_only=True))
    assert [r[0] for r in rows[1:]] == ["DRAFT"]
    form = owner.post(f"{BASE}/exports", data={"csrf_token": owner.csrf, "status": "on_sale"})
    assert form.status_code == 302
    listing = owner.get(f"{BASE}/exports", headers=JSON).json["items"]
    assert [(i["status"], i["filters"]) for i in listing] == [
        ("queued", {"status": "on_sale"}), ("done", {"status": "draft"})]
    bad = owner.post(f"{BASE}/exports?status=gone", headers={**JSON,
                                                             "X-CSRF-Token": owner.csrf})
    assert (bad.status_code, bad.json["errors"][0]["pointer"]) == (422, "/status")
    assert owner.get(f"{BASE}/exports/{listing[0]['id']}/download").status_code == 404


def test_the_catalog_area_is_needed_and_other_shops_runs_are_404(app, factory, shop, owner,
                                                                  redis_conn):
    started = _upload(owner, workbook_bytes(ROWS)).json
    _run(app, redis_conn, import_job_id(shop.id, started["id"]))
    export = owner.post(f"{BASE}/exports", headers={**JSON, "X-CSRF-Token": owner.csrf}).json
    _run(app, redis_conn, export_job_id(shop.id, export["id"]))

    staff = app.test_client()
    factory.console_login(staff, factory.merchant(shop, role=Role.STAFF, areas=["orders"]))
    for path in ("imports", "imports/template.xlsx", f"imports/{started['id']}", "exports"):
        assert staff.get(f"{BASE}/{path}", headers=JSON).status_code == 403

    other_shop = factory.shop(slug="beta")
    stranger = app.test_client()
    stranger.csrf = factory.console_login(stranger, factory.merchant(other_shop))
    beta = "/console/shops/beta/catalog"
    for path in (f"imports/{started['id']}", f"imports/{started['id']}/progress",
                 f"imports/{started['id']}/report.xlsx", f"exports/{export['id']}",
                 f"exports/{export['id']}/download"):
        assert stranger.get(f"{beta}/{path}", headers=JSON).status_code == 404, path
        assert stranger.get(f"{BASE}/{path}", headers=JSON).status_code == 404, path
    assert stranger.get(f"{beta}/imports", headers=JSON).json["items"] == []


def test_the_nav_lists_import_and_export(owner):
    html = owner.get(f"{BASE}/imports").get_data(as_text=True)
    assert f"{BASE}/imports" in html and f"{BASE}/exports" in html
    assert "导入商品" in html and "导出商品" in html


def test_the_product_list_offers_to_export_what_it_shows(owner):
    html = owner.get(f"{BASE}/products?status=draft").get_data(as_text=True)
    assert f'formaction="{BASE}/exports"' in html and "导出筛选结果" in html
