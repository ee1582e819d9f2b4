"""Background work of the media library: copying external images in, and the sweeper that
re-queues copies lost while Redis was down."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from sqlalchemy import select

from runtime.clock import utcnow
from runtime.db import platform_access
from runtime.errors import ValidationFailed
from runtime.jobs import job_session
from runtime.media.fetch import FetchPolicy, FetchRefused, Unreachable, fetch
from runtime.media.models import MediaAsset, MediaSource, MediaStatus
from runtime.media.processing import MediaLimits, ProcessedMedia

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=10)
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500


def _pending(asset: MediaAsset | None) -> bool:
    return (asset is not None and asset.source == MediaSource.EXTERNAL
            and asset.status == MediaStatus.PENDING and asset.deleted_at is None)


def copy_external_image(shop_id: int, asset_id: int) -> str:
    """Download an adopted external image and store it; an unreachable one is retried later
    with growing delays, then marked failed. Returns what happened (for the job result).

    The download and Pillow's checks run outside any transaction (SQLite holds its write
    lock for a whole transaction); the attempt counter makes a stale run a no-op.
    """
    from runtime.extension import state
    from runtime.media import service

    mk = state()
    limits = MediaLimits.from_settings(mk.settings)
    with job_session(shop_id) as session:
        asset = session.scalar(select(MediaAsset).where(MediaAsset.id == asset_id))
        if not _pending(asset):
            return "skipped"
        assert asset is not None and asset.external_url is not None
        url, attempt = asset.external_url, asset.copy_attempts

    policy = FetchPolicy(max_bytes=limits.max_image_bytes,
                         allow_private_hosts=mk.settings.media_fetch_private_hosts)
    processed: ProcessedMedia | None = None
    digest = ""
    failure, retry = "", False
    try:
        data = fetch(url, policy)
        digest = hashlib.sha256(data).hexdigest()
        processed = service.process_external(data, limits)
    except Unreachable as exc:
        failure, retry = str(exc), True
    except FetchRefused as exc:
        failure = f"{exc.code}: {exc}"
    except ValidationFailed as exc:
        failure = f"{exc.code}: {exc.detail}"

    with job_session(shop_id) as session:
        asset = session.scalar(select(MediaAsset).where(MediaAsset.id == asset_id)
                               .with_for_update())
        if not _pending(asset) or asset is None or asset.copy_attempts != attempt:
            return "skipped"
        if processed is not None:
            service.attach_external_copy(session, asset, digest, processed)
            return "copied"
        delay = service.record_copy_failure(asset, failure, retry=retry)
        if delay is None:
            log.info("media asset %s of shop %s: giving up on %s (%s)", asset_id, shop_id,
                     url, failure)
            return "failed"
        service.schedule_copy(session, asset, delay=delay, connection=mk.redis)
        return "retry"


def sweep_external_copies() -> int:
    """Queue again every pending copy whose attempt is overdue (its job was lost)."""
    from runtime.extension import state
    from runtime.media import service

    connection = state().redis
    with job_session() as session, platform_access(session, "media: overdue external copies"):
        overdue = list(session.scalars(
            select(MediaAsset).where(
                MediaAsset.source == MediaSource.EXTERNAL.value,
                MediaAsset.status == MediaStatus.PENDING.value,
                MediaAsset.deleted_at.is_(None),
                MediaAsset.next_attempt_at <= utcnow() - SWEEP_GRACE)
            .order_by(MediaAsset.next_attempt_at).limit(SWEEP_BATCH)))
        for asset in overdue:
            service.schedule_copy(session, asset, connection=connection)
    return len(overdue)
