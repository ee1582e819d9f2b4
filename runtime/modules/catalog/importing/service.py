"""Import runs for the console and the command line: accept a file, queue or run it, read
back its progress and outcome. Every function takes a session scoped to the shop."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.jobs import on_commit
from runtime.modules.catalog.importing import paths
from runtime.modules.catalog.importing.messages import LOCALES
from runtime.modules.catalog.importing.models import CatalogImport, RunStatus, SourceFormat
from runtime.modules.catalog.importing.reader import MAX_FILE_BYTES

MAX_FILENAME = 255
RECENT = 20


class FileTooLarge(ValidationFailed):
    """The import file is over the size limit (413, naming ``/file``)."""

    status = 413
    code = "too_large"
    title = "Payload too large"

    def __init__(self) -> None:
        super().__init__([FieldError(
            "/file", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
            "too_large")])


def _clean_filename(filename: str) -> str:
    name = Path(str(filename or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:MAX_FILENAME] or "upload"


def check_options(options: dict[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    fmt = options.get("format")
    if fmt not in (None, "", *SourceFormat):
        errors.append(FieldError("/format", f"must be one of {', '.join(SourceFormat)}",
                                 "enum"))
    elif fmt:
        clean["format"] = str(fmt)
    create = options.get("create_categories")
    if create is not None and not isinstance(create, bool):
        errors.append(FieldError("/create_categories", "must be true or false", "type"))
    elif create is not None:
        clean["create_categories"] = create
    errors.raise_if_any()
    return clean


def create_import(session: Session, data_dir: Path, filename: str, source: bytes | Path, *,
                  requested_by: str = "", locale: str = "zh",
                  options: dict[str, Any] | None = None) -> CatalogImport:
    """Record an import and store its file; run it with :func:`queue_import` (a job) or
    ``importer.run_import`` (in this process)."""
    name = _clean_filename(filename)
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ValidationFailed.single("/file", "old .xls workbooks are not supported; save "
                                               "the file as .xlsx", "unsupported")
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    if size == 0:
        raise ValidationFailed.single("/file", "the file is empty", "empty_file")
    if size > MAX_FILE_BYTES:
        raise FileTooLarge()
    run = CatalogImport(filename=name,
                        extension=suffix if suffix in paths.ALLOWED_EXTENSIONS else "",
                        status=RunStatus.QUEUED.value, options=check_options(options or {}),
                        locale=locale if locale in LOCALES else "zh",
                        requested_by=(requested_by or "")[:255])
    session.add(run)
    session.flush()
    target = paths.import_source(data_dir, run)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        target.write_bytes(source)
    else:
        shutil.copyfile(source, target)
    return run


def queue_import(session: Session, run: CatalogImport, connection: redis.Redis) -> None:
    """Queue the import job once the run row is committed."""
    from runtime.modules.catalog.importing.jobs import enqueue_import

    on_commit(session, functools.partial(enqueue_import, connection, run.shop_id, run.id))


def get_import(session: Session, import_id: int) -> CatalogImport:
    run = session.scalar(select(CatalogImport).where(CatalogImport.id == import_id))
    if run is None:
        raise NotFound(f"no import {import_id}", code="import_not_found")
    return run


def recent_imports(session: Session, limit: int = RECENT) -> list[CatalogImport]:
    return list(session.scalars(select(CatalogImport)
                                .order_by(CatalogImport.id.desc()).limit(limit)))


def report_file(data_dir: Path, run: CatalogImport) -> Path | None:
    path = paths.import_report(data_dir, run)
    return path if run.has_report and path.is_file() else None


def report_download_name(run: CatalogImport) -> str:
    stem = Path(run.filename).stem or "import"
    return f"{stem}-errors-{run.id}.xlsx"


def import_json(run: CatalogImport) -> dict[str, Any]:
    """The run as the console's progress endpoint shows it."""
    return {
        "id": run.id, "filename": run.filename, "format": run.source_format or None,
        "status": run.status, "progress": round(run.progress, 4),
        "total_rows": run.total_rows, "total_products": run.total_products,
        "processed_products": run.processed_products, "created": run.created_count,
        "updated": run.updated_count, "unchanged": run.unchanged_count,
        "failed": run.failed_count, "failed_rows": run.failed_rows,
        "has_report": run.has_report, "error": run.error or None,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }
