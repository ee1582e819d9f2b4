"""Members imported from another system's .xlsx (会员数据导入), as runs: every bad cell is
named and its row left out, each good row is imported whole (member, level by growth, points
and balance through their ledgers, tags), the same file twice changes nothing, another shop's
members are untouched; the console queues a run that a real worker carries out, shows its
progress, cells and report; a run whose worker died resumes once, then fails visibly; the
``mallkit members import`` command does the same from a shell."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rq.job import Job
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.modules.members import import_runs, importing
from runtime.modules.members.jobs import member_import_job_id, sweep_member_imports
from runtime.modules.members.models import Member, MemberImport, MemberTag, Tag
from runtime.modules.points import service as points
from runtime.modules.points.models import PointEntry
from runtime.modules.wallet import service as wallet
from runtime.modules.wallet.models import WalletEntry
from tests.accounts.helpers import HTML

HEADERS = ["手机号", "姓名", "等级", "积分", "余额", "标签"]
ROWS = [
    ["13800000001", "张三", "金卡", 100, "50.50", "老客、VIP"],
    ["13800000002", "李四", None, 20, None, "老客"],
    ["1380000000", "王五", "银卡", "-5", "12.345", None],
    ["13800000001", "张三（重复）", None, None, None, None],
    ["13800000003", None, None, "abc", None, None],
    [None, None, None, None, None, None],
]


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(app, session, data: bytes, **options) -> MemberImport:
    """A run of ``data`` carried out in this process (the job's own function)."""
    data_dir = app.extensions["mallkit"].settings.data_dir
    record = import_runs.create_import(session, data_dir, "members.xlsx", data)
    session.commit()
    return import_runs.run_import(session, record.id, data_dir, **options)


def cells(record: MemberImport) -> list[tuple[str, str]]:
    return [(p["cell"], p["message"]) for p in record.problems]


def counts(record: MemberImport) -> tuple[int, int, int, int]:
    return (record.created_count, record.updated_count, record.unchanged_count,
            record.failed_count)


def test_good_rows_import_whole_and_bad_cells_are_named(app, factory, shop, shop_session,
                                                        clock):
    factory.level(shop, "金卡", rank=2, growth_threshold=1000)
    existing = factory.member(shop, phone="13800000001", nickname="")
    other = factory.shop(slug="beta", name="Beta 店")
    stranger = factory.member(other, phone="13800000002", nickname="别家会员")

    result = run(app, shop_session, workbook(ROWS))
    assert result.status == "done" and result.progress == 1.0
    assert counts(result) == (1, 1, 0, 3)
    assert cells(result) == [
        ("A4", "需要 11 位手机号"), ("C4", "没有名为“银卡”的会员等级"), ("D4", "不是非负整数"),
        ("E4", "不是金额（元，最多两位小数，例如 12.90）"), ("A5", "与第 2 行的手机号重复"),
        ("D6", "不是非负整数")]

    zhang = shop_session.get(Member, existing.id)
    assert (zhang.nickname, zhang.growth) == ("张三", 1000)
    assert zhang.level_id is not None
    assert points.balance_of(shop_session, zhang.id) == 100
    assert wallet.balance_of(shop_session, zhang.id).principal_fen == 5050
    tag_names = set(shop_session.scalars(
        select(Tag.name).join(MemberTag, MemberTag.tag_id == Tag.id)
        .where(MemberTag.member_id == zhang.id)))
    assert tag_names == {"老客", "VIP"}
    li = shop_session.scalar(select(Member).where(Member.phone == "13800000002"))
    assert (li.nickname, li.source) == ("李四", "import")
    assert shop_session.scalar(select(func.count()).select_from(Member).where(
        Member.phone == "13800000003")) == 0  # its bad cell kept the whole row out

    again = run(app, shop_session, workbook(ROWS))  # the same file: nothing twice
    assert counts(again)[:3] == (0, 0, 2)
    assert points.balance_of(shop_session, zhang.id) == 100
    assert wallet.balance_of(shop_session, zhang.id).principal_fen == 5050
    assert shop_session.scalar(select(func.count()).select_from(PointEntry)) == 2
    assert shop_session.scalar(select(func.count()).select_from(WalletEntry)) == 1

    shop_session.rollback()  # SQLite: one writer; end this session's transaction first
    with factory._session() as s:  # the other shop's member with the same phone
        use_shop(s, other.id)
        assert s.get(Member, stranger.id).nickname == "别家会员"
        assert points.balance_of(s, stranger.id) == 0
        assert s.scalar(select(func.count()).select_from(MemberImport)) == 0

    path = import_runs.report_file(app.extensions["mallkit"].settings.data_dir, again)
    report = load_workbook(path).active
    assert [c.value for c in report[1]] == [*HEADERS, "问题"]
    assert [report.cell(row=r, column=1).value for r in range(2, 5)] == [
        "1380000000", "13800000001", "13800000003"]
    assert report["D2"].comment.text == "D4：不是非负整数"
    assert report["G2"].value.startswith("A4：需要 11 位手机号；C4：")


def test_a_row_that_fails_while_saving_leaves_nothing_behind(app, factory, shop, shop_session,
                                                            clock, monkeypatch):
    from runtime.errors import Conflict

    def refuse(*_args, **_kw):
        raise Conflict("tags are locked")

    monkeypatch.setattr(importing.tags, "tag_members", refuse)
    result = run(app, shop_session,
                 workbook([["13800000009", "赵六", None, 30, "9.90", "新客"]]))
    assert result.failed_count == 1 and cells(result) == [("第 2 行", "tags are locked")]
    assert shop_session.scalar(select(func.count()).select_from(Member)) == 0
    assert shop_session.scalar(select(func.count()).select_from(PointEntry)) == 0
    assert shop_session.scalar(select(func.count()).select_from(WalletEntry)) == 0


def test_unusable_files_are_refused_or_fail_the_run_visibly(app, shop_session, clock):
    data_dir = app.extensions["mallkit"].settings.data_dir
    for data, name, status in ((b"", "a.xlsx", 422), (b"x" * (10 * 1024 * 1024 + 1),
                                                     "a.xlsx", 413), (b"PK", "a.xls", 422)):
        with pytest.raises(ValidationFailed) as caught:
            import_runs.create_import(shop_session, data_dir, name, data)
        assert caught.value.status == status and caught.value.errors[0].pointer == "/file"
    shop_session.rollback()
    broken = run(app, shop_session, b"not a workbook")
    assert (broken.status, broken.error) == ("failed", "不是 .xlsx 工作簿")
    book = Workbook()
    book.active.append(["姓名", "积分"])
    buffer = io.BytesIO()
    book.save(buffer)
    headless = run(app, shop_session, buffer.getvalue())
    assert (headless.status, headless.error) == ("failed", "缺少“手机号”列")


def work(worker_env) -> None:
    """A real ``mallkit worker --burst`` runs every queued job, then stops."""
    result = subprocess.run([sys.executable, "-m", "runtime.cli", "worker", "--burst"],
                            env=worker_env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_the_console_queues_a_run_a_real_worker_carries_out(app, client, factory, shop, clock,
                                                            worker_env, redis_conn):
    token = factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/members"
    assert "会员导入" in client.get(f"{base}/import", headers=HTML).get_data(as_text=True)
    answer = client.post(f"{base}/import", data={"csrf_token": token, "file": (
        io.BytesIO(workbook(ROWS)), "members.xlsx")}, headers=HTML,
        content_type="multipart/form-data")
    assert answer.status_code == 302
    page_url = answer.location
    waiting = client.get(page_url, headers=HTML).get_data(as_text=True)
    assert 'data-status="queued"' in waiting and 'http-equiv="refresh"' in waiting
    run_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    assert Job.exists(member_import_job_id(shop.id, run_id), connection=redis_conn)

    work(worker_env)
    html = client.get(page_url, headers=HTML).get_data(as_text=True)
    assert 'data-status="done"' in html and 'http-equiv="refresh"' not in html
    for cell in ("A4", "C4", "D4", "E4", "A5", "D6"):
        assert f'data-problem="{cell}"' in html
    progress = client.get(page_url, headers={"Accept": "application/json"}).json
    assert (progress["status"], progress["created"], progress["failed"],
            progress["progress"]) == ("done", 1, 4, 1.0)  # no 金卡 level in this shop
    report = client.get(f"{page_url}/report.xlsx")
    assert report.status_code == 200 and report.data[:2] == b"PK"
    listed = client.get(f"{base}/import", headers=HTML).get_data(as_text=True)
    assert f'data-import-run="{run_id}"' in listed and "已完成" in listed
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        li = s.scalar(select(Member.id).where(Member.phone == "13800000002"))
    detail = client.get(f"{base}/{li}", headers=HTML).get_data(as_text=True)
    assert "原系统迁移" in detail and "<td>import</td>" not in detail

    queued = client.post(f"{base}/import", data={"csrf_token": token, "file": (
        io.BytesIO(b""), "empty.xlsx")}, headers={"Accept": "application/json"},
        content_type="multipart/form-data")
    assert queued.status_code == 422 and queued.json["errors"][0]["pointer"] == "/file"

    other = factory.shop(slug="beta", name="Beta 店")  # another shop sees none of it
    client_b = app.test_client()
    factory.console_login(client_b, factory.merchant(other, email="b@beta.test"))
    assert client_b.get(f"/console/shops/beta/members/imports/{run_id}").status_code == 404
    assert client_b.get(f"/console/shops/beta/members/imports/{run_id}/report.xlsx"
                        ).status_code == 404
    assert client_b.get("/console/shops/beta/members/import",
                        headers={"Accept": "application/json"}).json["items"] == []


def test_a_run_whose_worker_died_resumes_once_then_fails(app, factory, shop, shop_session,
                                                         clock, worker_env, monkeypatch):
    """A worker that dies leaves the run "running" with the chunks it committed; the sweeper
    queues it again and a real worker carries on after them (no member twice, the counts
    whole); a second death fails it with a reason the console shows."""
    monkeypatch.setattr(import_runs, "CHUNK_ROWS", 1)
    rows = [[f"1390000000{i}", f"会员{i}", None, 10 * i, None, "迁移"] for i in range(1, 6)]

    def die_after_two(record):
        if record.processed_rows == 2:
            raise KeyboardInterrupt  # as a SIGKILL would: nothing after the last commit runs

    with pytest.raises(KeyboardInterrupt):
        run(app, shop_session, workbook(rows), progress=die_after_two)
    shop_session.rollback()
    [record] = import_runs.recent_imports(shop_session)
    assert (record.status, record.processed_rows, record.created_count) == ("running", 2, 2)
    shop_session.rollback()  # SQLite: one writer at a time

    clock.advance(timedelta(minutes=10))
    with app.app_context():
        assert sweep_member_imports() == 1  # no job, no progress: queued again (attempt 2)
    work(worker_env)
    shop_session.rollback()
    shop_session.expire_all()
    record = import_runs.get_import(shop_session, record.id)
    assert (record.status, record.attempts, record.processed_rows) == ("done", 2, 5)
    assert counts(record) == (5, 0, 0, 0)
    assert shop_session.scalar(select(func.count()).select_from(Member)) == 5
    assert shop_session.scalar(select(func.count()).select_from(PointEntry)) == 5
    shop_session.rollback()

    with pytest.raises(KeyboardInterrupt):  # another file dies twice: failed, and says why
        run(app, shop_session, workbook(rows[:3]), progress=die_after_two)
    shop_session.rollback()
    second = import_runs.recent_imports(shop_session)[0]
    second.attempts = 2
    shop_session.commit()
    shop_session.rollback()
    clock.advance(timedelta(minutes=10))
    with app.app_context():
        assert sweep_member_imports() == 1
        assert sweep_member_imports() == 0
    shop_session.rollback()
    shop_session.expire_all()
    second = import_runs.get_import(shop_session, second.id)
    assert second.status == "failed" and "中断" in second.error


def members_cli(worker_env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "runtime.cli", "members", "import", *args],
                          env=worker_env, capture_output=True, text=True, timeout=300)


def test_the_command_line_imports_and_names_the_bad_cells(app, factory, shop, shop_session,
                                                         clock, worker_env, tmp_path):
    factory.level(shop, "金卡", rank=2, growth_threshold=1000)
    shop_session.rollback()
    path = tmp_path / "members.xlsx"
    path.write_bytes(workbook(ROWS))
    result = members_cli(worker_env, "--shop", shop.slug, str(path))
    assert result.returncode == 1, result.stderr
    assert "created: 2  updated: 0  unchanged: 0  failed: 3" in result.stdout
    assert "  A4: 需要 11 位手机号" in result.stdout and "  D6: 不是非负整数" in result.stdout
    assert Path(result.stdout.split("error report: ")[1].strip()).is_file()
    clean = tmp_path / "clean.xlsx"
    clean.write_bytes(workbook([["13800000077", "王七", "金卡", 5, "1.00", None]]))
    queued = members_cli(worker_env, "--shop", shop.slug, "--queue", str(clean))
    assert queued.returncode == 0 and "queued" in queued.stdout
    work(worker_env)
    assert shop_session.scalar(select(Member.nickname).where(
        Member.phone == "13800000077")) == "王七"
    assert [r.status for r in import_runs.recent_imports(shop_session)] == ["done", "done"]
    shop_session.rollback()
    missing = members_cli(worker_env, "--shop", "nope", str(clean))
    assert missing.returncode != 0 and "nope" in missing.stderr
