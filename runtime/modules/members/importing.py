"""Members brought over from another system (会员数据导入): an .xlsx with one member per row —
手机号 phone (required), 姓名 name, 等级 level, 积分 points, 余额 balance (yuan), 标签 tags
(separated by , ， 、 or ;). Chinese or English headers, in any order.

Each row is checked cell by cell first; a row with any bad cell is not imported and every bad
cell is named (``C4: 不是整数``). A good row is imported all-or-nothing in a savepoint: the member
is found by phone or created, the name filled in when empty, the level reached by raising
growth to the level's threshold, points credited through the points ledger and the balance
added as principal through the wallet ledger, tags added (created when missing). Ledger keys
carry a digest of the sheet's content and the phone, so importing the same sheet again
(even saved anew) changes nothing. The runs (a background job, progress, the report) are
:mod:`.import_runs`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import MallkitError, ValidationFailed
from runtime.modules.loader import hooks
from runtime.modules.members import levels, tags
from runtime.modules.members.models import Member, MemberSource, Tag
from runtime.modules.members.service import PHONE_RE, lock_member
from runtime.money import TOO_LARGE, AmountError, parse_yuan

MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_POINTS = 10_000_000
MAX_BALANCE_FEN = 100_000_000  # ¥1,000,000
COLUMNS = {  # key: header names (lower-cased)
    "phone": ("手机号", "手机", "phone", "mobile"),
    "name": ("姓名", "昵称", "name"),
    "level": ("等级", "会员等级", "level"),
    "points": ("积分", "points"),
    "balance": ("余额", "储值余额", "余额（元）", "balance"),
    "tags": ("标签", "tags"),
}
TAG_SPLIT = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class CellProblem:
    row: int  # the sheet's row number
    column: int | None  # 1-based, None for the whole row
    message: str

    @property
    def cell(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}" if self.column else f"第 {self.row} 行"


@dataclass
class MemberRow:
    row: int
    phone: str = ""
    name: str = ""
    level: str = ""
    points: int = 0
    balance_fen: int = 0
    tags: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    digest: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[CellProblem] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: dict[int, list[Any]] = field(default_factory=dict)  # the failed rows as read

    @property
    def failed(self) -> int:
        return len({p.row for p in self.problems})


def file_problem(message: str) -> ValidationFailed:
    """The file cannot be used at all (not a workbook, no phone column, too many rows)."""
    return ValidationFailed.single("/file", message, "file")


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = header.strip().lower()
        for key, names in COLUMNS.items():
            if name in names and key not in found:
                found[key] = index
    return found


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: Any, maximum: int) -> int:
    text = _text(value)
    if not text:
        return 0
    if not re.fullmatch(r"\d+", text):
        raise ValueError("不是非负整数")
    number = int(text)
    if number > maximum:
        raise ValueError(f"不能超过 {maximum}")
    return number


def _fen(value: Any) -> int:
    try:
        return parse_yuan(_text(value), max_fen=MAX_BALANCE_FEN) or 0
    except AmountError as exc:
        if exc.template == TOO_LARGE:
            raise ValueError(f"不能超过 {MAX_BALANCE_FEN // 100} 元") from None
        raise ValueError("不是金额（元，最多两位小数，例如 12.90）") from None


def read_rows(data: bytes, level_names: set[str]
              ) -> tuple[list[str], list[MemberRow], list[CellProblem], dict[int, list[Any]]]:
    """The sheet's members and the problems of each cell; a 422 on ``/file`` when the file
    itself is unusable."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise file_problem("不是 .xlsx 工作簿") from None
    sheet = workbook.worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not values:
        raise file_problem("工作簿是空的")
    headers = [_text(h) for h in values[0]]
    columns = _columns(headers)
    if "phone" not in columns:
        raise file_problem("缺少“手机号”列")
    if len(values) - 1 > MAX_ROWS:
        raise file_problem(f"一次最多导入 {MAX_ROWS} 位会员")
    rows, problems, raw = [], [], {}
    seen: dict[str, int] = {}
    for number, cells in enumerate(values[1:], start=2):
        if not any(_text(c) for c in cells):
            continue
        raw[number] = cells
        item = MemberRow(row=number)

        def cell(key: str, cells: list[Any] = cells) -> Any:
            index = columns.get(key)
            return cells[index] if index is not None and index < len(cells) else None

        def fail(key: str, message: str, number: int = number) -> None:
            problems.append(CellProblem(number, columns[key] + 1, message))

        for key in ("phone", "name", "level", "points", "balance", "tags"):
            if key not in columns:
                continue
            value = cell(key)
            if isinstance(value, str) and value.startswith("="):
                fail(key, "不能是公式")
                continue
            try:
                if key == "phone":
                    item.phone = _text(value)
                    if not PHONE_RE.match(item.phone):
                        raise ValueError("需要 11 位手机号")
                    if item.phone in seen:
                        raise ValueError(f"与第 {seen[item.phone]} 行的手机号重复")
                    seen[item.phone] = number
                elif key == "name":
                    item.name = _text(value)
                    if len(item.name) > 64:
                        raise ValueError("最多 64 个字")
                elif key == "level":
                    item.level = _text(value)
                    if item.level and item.level not in level_names:
                        raise ValueError(f"没有名为“{item.level}”的会员等级")
                elif key == "points":
                    item.points = _whole(value, MAX_POINTS)
                elif key == "balance":
                    item.balance_fen = _fen(value)
                else:
                    item.tags = list(dict.fromkeys(t.strip() for t in
                                                   TAG_SPLIT.split(_text(value)) if t.strip()))
                    if any(len(t) > 20 for t in item.tags):
                        raise ValueError("每个标签最多 20 个字")
            except ValueError as error:
                fail(key, str(error))
        rows.append(item)
    return headers, rows, problems, raw


@dataclass
class Prepared:
    """A workbook read and checked: its member rows, the bad cells, the raw cells by row."""

    digest: str
    headers: list[str]
    rows: list[MemberRow]
    problems: list[CellProblem]
    raw: dict[int, list[Any]]
    levels: dict[str, Any]


def prepare(session: Session, data: bytes) -> Prepared:
    """Read and check the workbook (422 on ``/file`` when it is unusable as a whole)."""
    if len(data) > MAX_FILE_BYTES:
        raise file_problem("文件不能超过 10 MB")
    by_name = {lv.name: lv for lv in levels.list_levels(session)}
    headers, rows, problems, raw = read_rows(data, set(by_name))
    # by content, not bytes: the same sheet saved again (new timestamps) is the same import
    digest = hashlib.sha256(json.dumps([headers, [[_text(c) for c in cells] for cells in
                                                  raw.values()]],
                                       ensure_ascii=False).encode()).hexdigest()[:16]
    return Prepared(digest, headers, rows, problems, raw, by_name)


def import_row(session: Session, prepared: Prepared, item: MemberRow,
               tag_ids: dict[str, int]) -> str | CellProblem:
    """One good row, all-or-nothing in a savepoint: ``created``, ``updated`` or
    ``unchanged``, or the problem that kept it out."""
    try:
        with session.begin_nested():
            return _import_one(session, item, prepared.digest, prepared.levels, tag_ids)
    except MallkitError as error:
        return CellProblem(item.row, None, error.detail or str(error))


def tag_ids_of(session: Session) -> dict[str, int]:
    return {t.name: t.id for t in session.scalars(select(Tag))}


def _import_one(session: Session, item: MemberRow, digest: str, by_name: dict[str, Any],
                tag_ids: dict[str, int]) -> str:
    member = session.scalar(select(Member).where(Member.phone == item.phone))
    created = member is None
    if member is None:
        member = Member(phone=item.phone, nickname=item.name, source=MemberSource.IMPORT)
        session.add(member)
        session.flush()
    member = lock_member(session, member.id)
    changed = created
    if item.name and not member.nickname:
        member.nickname = item.name
        changed = True
    if item.level:
        target = by_name[item.level]
        if member.growth < target.growth_threshold:
            member.growth = target.growth_threshold
            changed = True
        if levels.refresh_level(session, member, "import") is not None:
            changed = True
    # opening points and balance belong to the points and wallet modules (member_imported)
    if any(hooks(session).member_imported(
            session=session, member=member, key=f"import-{digest}-{item.phone}",
            balances={"points": item.points, "balance_fen": item.balance_fen})):
        changed = True
    for name in item.tags:
        if name not in tag_ids:
            tag_ids[name] = tags.create_tag(session, name).id
        if tags.tag_members(session, tag_ids[name], [member.id]):
            changed = True
    session.flush()
    return "created" if created else "updated" if changed else "unchanged"


def write_report(result: ImportResult) -> bytes:
    """The failed rows as read, a comment on each bad cell and a last column listing them:
    fixed, the same workbook imports."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "会员"
    sheet.append([*result.headers, "问题"])
    by_row: dict[int, list[CellProblem]] = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem)
    for number in sorted(result.rows):
        cells = [_text(c) if isinstance(c, str) else c for c in result.rows[number]]
        cells += [None] * (len(result.headers) - len(cells))
        found = by_row.get(number, [])
        sheet.append([*cells, "；".join(f"{p.cell}：{p.message}" for p in found)])
        for problem in found:
            if problem.column:
                target = sheet.cell(row=sheet.max_row, column=problem.column)
                target.comment = Comment(f"{problem.cell}：{problem.message}", "mallkit")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
