"""One import run, start to end: read the file, check every product, write the good ones a
chunk at a time, and write the report of the others.

Each chunk is one transaction that also records the run's progress, so the console's
progress bar moves as products land and an interrupted import keeps what it committed
(a re-run updates those products instead of duplicating them). Checking needs no lock:
what it needs from the database is loaded first and that transaction is closed. Image
URLs are adopted into the media library by a follow-up job (:mod:`.images`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import redis
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.jobs import on_commit
from runtime.modules.catalog.importing import paths
from runtime.modules.catalog.importing.detect import parse_file
from runtime.modules.catalog.importing.drafts import ProductDraft
from runtime.modules.catalog.importing.images import QUEUED
from runtime.modules.catalog.importing.jobs import enqueue_import_images
from runtime.modules.catalog.importing.messages import Msg, render
from runtime.modules.catalog.importing.models import CatalogImport, RunStatus, SourceFormat
from runtime.modules.catalog.importing.report import write_report
from runtime.modules.catalog.importing.validate import load_lookups, validate_drafts
from runtime.modules.catalog.importing.writer import CatalogWriter

log = logging.getLogger(__name__)

CHUNK_SIZE = 250
ANALYZE_AFTER = 500  # products written; below that the planner's statistics still hold
T = TypeVar("T")
Progress = Callable[[CatalogImport], None]


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_import(session: Session, import_id: int, data_dir: Path, *,
               progress: Progress | None = None) -> CatalogImport:
    """Carry out a queued import (the session is scoped to its shop). A run that already
    finished is left as it is, so a repeated job changes nothing. ``progress`` is called
    after every committed chunk."""
    run = session.scalar(select(CatalogImport).where(CatalogImport.id == import_id))
    if run is None:
        raise LookupError(f"no catalog import {import_id}")
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return run
    run.status = RunStatus.RUNNING.value
    run.started_at = utcnow()
    run.processed_products = run.created_count = run.updated_count = 0
    run.unchanged_count = run.failed_count = run.failed_rows = 0
    run.error, run.has_report = "", False
    session.commit()
    try:
        _carry_out(session, run, data_dir, progress or (lambda _run: None))
    except Exception as exc:
        log.exception("catalog import %s of shop %s failed", run.id, run.shop_id)
        session.rollback()
        run = session.scalars(select(CatalogImport).where(CatalogImport.id == import_id)
                              .execution_options(populate_existing=True)).one()
        run.status = RunStatus.FAILED.value
        run.error = render(Msg("the import failed: {reason}", reason=str(exc)[:300]),
                           run.locale)[:500]
        run.finished_at = utcnow()
        session.commit()
        raise
    return run


def _carry_out(session: Session, run: CatalogImport, data_dir: Path,
               progress: Progress) -> None:
    parsed = parse_file(paths.import_source(data_dir, run), extension=run.extension,
                        declared=run.options.get("format") or None)
    run.total_rows = len(parsed.rows)
    run.source_format = parsed.format.value if parsed.format else ""
    if parsed.error is not None:
        run.status = RunStatus.FAILED.value
        run.error = render(parsed.error, run.locale)[:500]
        run.finished_at = utcnow()
        session.commit()
        return
    drafts = parsed.products
    run.total_products = len(drafts)
    create_categories = run.options.get("create_categories")
    if create_categories is None:
        create_categories = parsed.format != SourceFormat.MALLKIT
    lookups = load_lookups(session, drafts, create_categories=bool(create_categories))
    session.commit()  # the checks below need no database: no lock is held meanwhile
    matched = validate_drafts(session, drafts, lookups)
    failed: list[ProductDraft] = [d for d in drafts if d.failed]
    run.processed_products = run.failed_count = len(failed)
    session.commit()

    writer = CatalogWriter(session, lookups)
    pending = [(d, matched.get(i)) for i, d in enumerate(drafts) if not d.failed]
    image_products: list[int] = []
    image_urls: set[str] = set()
    for chunk in _chunks(pending, CHUNK_SIZE):
        result = writer.write_chunk(chunk)
        failed += result.failed
        image_products += result.image_products
        image_urls |= result.image_urls
        run.created_count += result.created
        run.updated_count += result.updated
        run.unchanged_count += result.unchanged
        run.failed_count = len(failed)
        run.processed_products += len(chunk)
        session.commit()
        progress(run)

    if run.created_count + run.updated_count >= ANALYZE_AFTER:
        refresh_statistics(session)
    if failed or parsed.stray_problems:
        failed.sort(key=lambda d: d.first_row)
        run.failed_rows = write_report(paths.import_report(data_dir, run), parsed, failed,
                                       run.locale)
        run.has_report = True
    if image_products:
        run.image_products = image_products
        run.image_urls = sorted(image_urls)
        run.images_status = QUEUED
        on_commit(session, functools.partial(enqueue_import_images, _redis(session),
                                             run.shop_id, run.id))
    run.status = RunStatus.DONE.value
    run.finished_at = utcnow()
    session.commit()


def refresh_statistics(session: Session) -> None:
    """After a big import, let the query planner know the catalog grew: stale statistics
    make PostgreSQL scan instead of using the code indexes (a re-import's look-ups, the
    product list). Only a table's owner may ANALYZE it, so on PostgreSQL the owner's
    ``catalog_refresh_statistics()`` (catalog migration 0018) analyses the catalog's tables
    for the app's role. A failure leaves the committed import as it is, with a warning."""
    dialect = session.get_bind().dialect.name
    try:
        if dialect == "postgresql":
            session.execute(text("SELECT catalog_refresh_statistics()"))
        else:
            session.execute(text("PRAGMA optimize"))
        session.commit()
    except DBAPIError:
        session.rollback()
        log.warning("could not refresh the catalog's planner statistics", exc_info=True)


def _redis(session: Session) -> redis.Redis:
    connection = session.info.get("redis")
    if connection is not None:
        return connection
    from runtime.extension import state

    return state().redis
