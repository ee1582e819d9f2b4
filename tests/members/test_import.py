"""Members imported from another system's .xlsx (会员数据导入): every bad cell is named and
its row left out, each good row is imported whole (member, level by growth, points and
balance through their ledgers, tags), the same file twice changes nothing, another shop's
members are untouched; the console page lists the cells and serves the report."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from runtime.db import use_shop
from runtime.errors import ValidationFailed
from runtime.modules.members import importing
from runtime.modules.members.models import Member, MemberTag, Tag
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


def run(session, data: bytes) -> importing.ImportResult:
    result = importing.import_members(session, data)
    session.commit()
    return result


def test_good_rows_import_whole_and_bad_cells_are_named(factory, shop, shop_session, clock):
    factory.level(shop, "金卡", rank=2, growth_threshold=1000)
    existing = factory.member(shop, phone="13800000001", nickname="")
    other = factory.shop(slug="beta", name="Beta 店")
    stranger = factory.member(other, phone="13800000002", nickname="别家会员")

    result = run(shop_session, workbook(ROWS))
    assert (result.created, result.updated, result.unchanged, result.failed) == (1, 1, 0, 3)
    assert [(p.cell, p.message) for p in result.problems] == [
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

    again = run(shop_session, workbook(ROWS))  # the same file: nothing twice
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert points.balance_of(shop_session, zhang.id) == 100
    assert wallet.balance_of(shop_session, zhang.id).principal_fen == 5050
    assert shop_session.scalar(select(func.count()).select_from(PointEntry)) == 2
    assert shop_session.scalar(select(func.count()).select_from(WalletEntry)) == 1

    shop_session.rollback()  # SQLite: one writer; end this session's transaction first
    with factory._session() as s:  # the other shop's member with the same phone
        use_shop(s, other.id)
        assert s.get(Member, stranger.id).nickname == "别家会员"
        assert points.balance_of(s, stranger.id) == 0

    report = load_workbook(io.BytesIO(importing.write_report(again))).active
    assert [c.value for c in report[1]] == [*HEADERS, "问题"]
    assert [report.cell(row=r, column=1).value for r in range(2, 5)] == [
        "1380000000", "13800000001", "13800000003"]
    assert report["D2"].comment.text == "D4：不是非负整数"
    assert report["G2"].value.startswith("A4：需要 11 位手机号；C4：")


def test_a_row_that_fails_while_saving_leaves_nothing_behind(factory, shop, shop_session,
                                                            clock, monkeypatch):
    from runtime.errors import Conflict

    def refuse(*_args, **_kw):
        raise Conflict("tags are locked")

    monkeypatch.setattr(importing.tags, "tag_members", refuse)
    result = run(shop_session, workbook([["13800000009", "赵六", None, 30, "9.90", "新客"]]))
    assert result.failed == 1 and result.problems[0].cell == "第 2 行"
    assert shop_session.scalar(select(func.count()).select_from(Member)) == 0
    assert shop_session.scalar(select(func.count()).select_from(PointEntry)) == 0
    assert shop_session.scalar(select(func.count()).select_from(WalletEntry)) == 0


def test_unusable_files_are_refused(shop_session):
    with pytest.raises(ValidationFailed) as caught:
        importing.import_members(shop_session, b"not a workbook")
    assert caught.value.errors[0].pointer == "/file"
    assert caught.value.errors[0].message == "不是 .xlsx 工作簿"
    book = Workbook()
    book.active.append(["姓名", "积分"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationFailed) as caught:
        importing.import_members(shop_session, buffer.getvalue())
    assert caught.value.errors[0].message == "缺少“手机号”列"


def test_console_import_lists_the_cells_and_serves_the_report(app, client, factory, shop,
                                                             clock):
    token = factory.console_login(client, factory.merchant(shop))
    base = f"/console/shops/{shop.slug}/members/import"
    assert "会员导入" in client.get(base, headers=HTML).get_data(as_text=True)
    answer = client.post(base, data={"csrf_token": token, "file": (
        io.BytesIO(workbook(ROWS)), "members.xlsx")}, headers=HTML,
        content_type="multipart/form-data")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    for cell in ("A4", "C4", "D4", "E4", "A5", "D6"):
        assert f'data-problem="{cell}"' in html
    report_url = next(part.split('"')[0] for part in html.split('href="')
                      if part.startswith(base + "/") and "report.xlsx" in part)
    report = client.get(report_url)
    assert report.status_code == 200 and report.data[:2] == b"PK"
    assert client.get(base + "/0000000000000000/report.xlsx").status_code == 404
    with app.app_context(), factory._session() as s:
        use_shop(s, shop.id)
        li = s.scalar(select(Member.id).where(Member.phone == "13800000002"))
    detail = client.get(f"/console/shops/{shop.slug}/members/{li}",
                        headers=HTML).get_data(as_text=True)
    assert "原系统迁移" in detail and "<td>import</td>" not in detail
    assert client.get(base + "/..%2Fx/report.xlsx").status_code == 404
