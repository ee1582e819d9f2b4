"""Member imports as runs (会员数据导入): the console and ``mallkit members import`` record a
run and its workbook, a background job (:func:`runtime.modules.members.jobs.run_member_import`)
carries it out, and the console shows its progress, counts, bad cells and report.

The rows are imported a chunk at a time; each chunk is one transaction that also records how
many rows are done and what they counted, so a run whose worker died resumes after the last
committed chunk (and a row imported twice changes nothing: its ledger keys carry the sheet's
digest). Each member row is all-or-nothing in its own savepoint (:func:`.importing.import_row`).
Files live under the data directory, named by the run's id only:
``imports/<shop_id>/members/<run_id>/source.xlsx`` and ``report.xlsx``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import FieldError, NotFound, ValidationFailed
from runtime.jobs import on_commit
from runtime.modules.members import importing
from runtime.modules.members.importing import CellProblem, ImportResult
from runtime.modules.members.models import ImportStatus, MemberImport

log = logging.getLogger(__name__)

CHUNK_ROWS = 100
RECENT = 20
MAX_FILENAME = 255
Progress = Callable[[MemberImport], None]


class FileTooLarge(ValidationFailed):
    """The workbook is over the size limit (413, naming ``/file``)."""

    status = 413
    code = "too_large"
    title = "Payload too large"

    def __init__(self) -> None:
        super().__init__([FieldError("/file", "文件不能超过 10 MB", "too_large")])


def run_dir(data_dir: Path, run: MemberImport) -> Path:
    return data_dir / "imports" / str(int(run.shop_id)) / "members" / str(int(run.id))


def source_path(data_dir: Path, run: MemberImport) -> Path:
    return run_dir(data_dir, run) / "source.xlsx"


def report_path(data_dir: Path, run: MemberImport) -> Path:
    return run_dir(data_dir, run) / "report.xlsx"


def create_import(session: Session, data_dir: Path, filename: str, data: bytes, *,
                  requested_by: str = "") -> MemberImport:
    """Record a run and keep its workbook; queue it with :func:`queue_import`."""
    name = "".join(ch for ch in Path(str(filename or "").replace("\\", "/")).name.strip()
                   if ch.isprintable())[:MAX_FILENAME] or "members.xlsx"
    if not data:
        raise ValidationFailed.single("/file", "文件是空的", "empty_file")
    if len(data) > importing.MAX_FILE_BYTES:
        raise FileTooLarge()
    if Path(name).suffix.lower() == ".xls":
        raise ValidationFailed.single("/file", "不支持旧版 .xls，请另存为 .xlsx", "unsupported")
    run = MemberImport(filename=name, status=ImportStatus.QUEUED.value,
                       requested_by=(requested_by or "")[:255], problems=[])
    session.add(run)
    session.flush()
    target = source_path(data_dir, run)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return run


def queue_import(session: Session, run: MemberImport, connection: redis.Redis) -> None:
    """Queue the run's job once the run row is committed."""
    from runtime.modules.members.jobs import enqueue_member_import

    on_commit(session, functools.partial(enqueue_member_import, connection,
                                         current_shop_id(session), run.id))


def get_import(session: Session, run_id: int) -> MemberImport:
    run = session.scalar(select(MemberImport).where(MemberImport.id == run_id))
    if run is None:
        raise NotFound(f"no member import {run_id}", code="import_not_found")
    return run


def recent_imports(session: Session, limit: int = RECENT) -> list[MemberImport]:
    return list(session.scalars(select(MemberImport).order_by(MemberImport.id.desc())
                                .limit(limit)))


def run_import(session: Session, run_id: int, data_dir: Path, *,
               progress: Progress | None = None) -> MemberImport:
    """Carry out a queued (or interrupted) run in this session, scoped to its shop; a run
    that already finished is left as it is. ``progress`` is called after every chunk."""
    run = get_import(session, run_id)
    if run.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return run
    run.status = ImportStatus.RUNNING.value
    run.attempts += 1
    run.started_at = run.started_at or utcnow()
    session.commit()
    try:
        _carry_out(session, run, data_dir, progress or (lambda _run: None))
    except Exception as exc:
        log.exception("member import %s of shop %s failed", run_id, run.shop_id)
        session.rollback()
        run = session.scalars(select(MemberImport).where(MemberImport.id == run_id)
                              .execution_options(populate_existing=True)).one()
        _finish(run, ImportStatus.FAILED, f"导入中断：{str(exc)[:300]}")
        session.commit()
        raise
    return run


def _finish(run: MemberImport, status: ImportStatus, error: str = "") -> None:
    run.status = status.value
    run.error = error[:500]
    run.finished_at = utcnow()


def _problem_dict(problem: CellProblem, kind: str) -> dict[str, Any]:
    return {"row": problem.row, "column": problem.column, "cell": problem.cell,
            "message": problem.message, "kind": kind}


def _carry_out(session: Session, run: MemberImport, data_dir: Path, progress: Progress) -> None:
    try:
        prepared = importing.prepare(session, source_path(data_dir, run).read_bytes())
    except ValidationFailed as error:  # not a workbook, no phone column, too many rows
        _finish(run, ImportStatus.FAILED, error.errors[0].message)
        session.commit()
        return
    # the cells are checked again on every attempt (the same file, the same answer); the
    # problems met while saving rows already done are kept from the earlier attempts
    saved_problems = [p for p in run.problems or [] if p.get("kind") == "row"]
    run.problems = [_problem_dict(p, "cell") for p in prepared.problems] + saved_problems
    run.digest, run.total_rows = prepared.digest, len(prepared.rows)
    bad_rows = {p.row for p in prepared.problems}
    tag_ids = importing.tag_ids_of(session)
    session.commit()
    while run.processed_rows < len(prepared.rows):
        chunk = prepared.rows[run.processed_rows:run.processed_rows + CHUNK_ROWS]
        row_problems = []
        for item in chunk:
            if item.row in bad_rows:
                continue
            outcome = importing.import_row(session, prepared, item, tag_ids)
            if isinstance(outcome, CellProblem):
                row_problems.append(_problem_dict(outcome, "row"))
            elif outcome == "created":
                run.created_count += 1
            elif outcome == "updated":
                run.updated_count += 1
            else:
                run.unchanged_count += 1
        if row_problems:
            run.problems = [*run.problems, *row_problems]
        run.processed_rows += len(chunk)
        run.failed_count = len({p["row"] for p in run.problems})
        session.commit()
        progress(run)
    run.failed_count = len({p["row"] for p in run.problems})
    if run.problems:
        path = report_path(data_dir, run)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(importing.write_report(_result_of(run, prepared)))
        run.has_report = True
    _finish(run, ImportStatus.DONE)
    session.commit()
    progress(run)


def _result_of(run: MemberImport, prepared: importing.Prepared) -> ImportResult:
    problems = sorted((CellProblem(p["row"], p["column"], p["message"]) for p in run.problems),
                      key=lambda p: (p.row, p.column or 0))
    failed = {p.row for p in problems}
    return ImportResult(run.digest, problems=problems, headers=prepared.headers,
                        rows={n: c for n, c in prepared.raw.items() if n in failed})


def report_file(data_dir: Path, run: MemberImport) -> Path | None:
    path = report_path(data_dir, run)
    return path if run.has_report and path.is_file() else None


def import_json(run: MemberImport) -> dict[str, Any]:
    """The run as the console's progress endpoint and the CLI show it."""
    return {
        "id": run.id, "filename": run.filename, "status": run.status,
        "progress": round(run.progress, 4), "total_rows": run.total_rows,
        "processed_rows": run.processed_rows, "created": run.created_count,
        "updated": run.updated_count, "unchanged": run.unchanged_count,
        "failed": run.failed_count, "attempts": run.attempts,
        "problems": [{k: p[k] for k in ("cell", "row", "message")} for p in run.problems or []],
        "has_report": run.has_report, "error": run.error or None,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
