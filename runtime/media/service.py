"""The media library of the current shop: upload, adopt by URL, list, rename, delete.

Every function takes a session already scoped to the shop (``use_shop``). Storage and limits
default to the app's; tests and scripts may pass their own.
"""

from __future__ import annotations

import hashlib
import posixpath
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.media.errors import MediaErrorCode, media_not_found, unsupported
from runtime.media.models import MediaAsset, MediaKind, MediaSource, MediaStatus
from runtime.media.processing import (
    MediaLimits,
    ProcessedMedia,
    process_upload,
    thumbnail_extension,
)
from runtime.media.refs import MAX_URL_LENGTH, is_http_url
from runtime.media.storage import Storage, build_key, current_storage

MAX_NAME = 255
MAX_FOLDER = 80
MAX_ALT = 255
MAX_PER_PAGE = 100
COPY_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                     timedelta(hours=2), timedelta(hours=6), timedelta(hours=24))


@dataclass(frozen=True)
class UploadResult:
    """``created`` is False when the same bytes were already in the shop's library."""

    asset: MediaAsset
    created: bool


@dataclass(frozen=True)
class AssetPage:
    items: list[MediaAsset]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class FolderCount:
    name: str
    count: int


@dataclass(frozen=True)
class Reference:
    """Something that shows an asset, e.g. ``("product", 12, "商品 连衣裙")``."""

    kind: str
    id: int | str
    label: str


def find_references(session: Session, asset_ids: list[int]) -> dict[int, list[Reference]]:
    """Which of ``asset_ids`` something shows (``Module.media_references`` of every module)."""
    from runtime.modules.loader import modules_of

    found: dict[int, list[Reference]] = {}
    for finder in modules_of(session).reference_finders.values():
        for asset_id, refs in finder(session, asset_ids).items():
            found.setdefault(asset_id, []).extend(refs)
    return found


# --- reading ------------------------------------------------------------------------------


def get_asset(session: Session, asset_id: int, *, include_deleted: bool = False) -> MediaAsset:
    """The shop's asset ``asset_id``; another shop's id is as unknown as a missing one."""
    if isinstance(asset_id, bool) or not isinstance(asset_id, int):
        raise media_not_found(asset_id)
    asset = session.scalar(select(MediaAsset).where(MediaAsset.id == asset_id))
    if asset is None or (asset.deleted_at is not None and not include_deleted):
        raise media_not_found(asset_id)
    return asset


def list_assets(session: Session, *, page: int = 1, per_page: int = 40, q: str | None = None,
                folder: str | None = None, kind: str | None = None) -> AssetPage:
    """Live assets, newest first; ``q`` searches the name, ``folder`` filters exactly."""
    errors = FieldErrors()
    if page < 1:
        errors.append(FieldError("/page", "must be 1 or more", "minimum"))
    if not 1 <= per_page <= MAX_PER_PAGE:
        errors.append(FieldError("/per_page", f"must be between 1 and {MAX_PER_PAGE}",
                                 "range"))
    if kind is not None and kind not in {k.value for k in MediaKind}:
        errors.append(FieldError("/kind", "must be image or video", "enum"))
    if q is not None and len(q) > MAX_NAME:
        errors.append(FieldError("/q", f"at most {MAX_NAME} characters", "max_length"))
    errors.raise_if_any()
    conditions: list[Any] = [MediaAsset.deleted_at.is_(None)]
    if q and q.strip():
        pattern = "%" + _escape_like(q.strip().lower()) + "%"
        conditions.append(func.lower(MediaAsset.name).like(pattern, escape="\\"))
    if folder is not None:
        conditions.append(MediaAsset.folder == folder.strip())
    if kind is not None:
        conditions.append(MediaAsset.kind == kind)
    total = session.scalar(select(func.count()).select_from(MediaAsset).where(*conditions)) or 0
    items = list(session.scalars(
        select(MediaAsset).where(*conditions)
        .order_by(MediaAsset.created_at.desc(), MediaAsset.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return AssetPage(items=items, total=total, page=page, per_page=per_page)


def list_folders(session: Session) -> list[FolderCount]:
    rows = session.execute(
        select(MediaAsset.folder, func.count()).where(MediaAsset.deleted_at.is_(None))
        .group_by(MediaAsset.folder).order_by(MediaAsset.folder))
    return [FolderCount(name=name, count=count) for name, count in rows]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- uploading ----------------------------------------------------------------------------


def upload(session: Session, data: bytes, filename: str = "", *, folder: str = "",
           alt_text: str = "", storage: Storage | None = None,
           limits: MediaLimits | None = None) -> UploadResult:
    """Store an uploaded image (JPEG/PNG/WebP/GIF) or mp4, or return the asset that already
    holds the same bytes. Raises MediaRejected (``/file``) for anything else."""
    shop_id = _shop(session)
    limits = limits or _app_limits()
    folder, alt_text = _clean_folder(folder), _clean_alt(alt_text)
    digest = hashlib.sha256(data).hexdigest()
    existing = _by_sha(session, digest)
    if existing is not None:
        return UploadResult(_revive(existing), created=False)
    processed = process_upload(data, limits)
    storage = storage or current_storage()
    asset = MediaAsset(kind=processed.kind, source=MediaSource.UPLOAD.value,
                       original_filename=_display_filename(filename),
                       name=_display_filename(filename) or f"{processed.kind}-{digest[:8]}",
                       folder=folder, alt_text=alt_text)
    _store(storage, shop_id, digest, processed, asset)
    try:
        with session.begin_nested():
            session.add(asset)
    except IntegrityError:
        # A concurrent upload of the same bytes won the unique (shop_id, sha256).
        if asset in session:
            session.expunge(asset)
        winner = _by_sha(session, digest)
        if winner is None:
            raise
        return UploadResult(_revive(winner), created=False)
    return UploadResult(asset, created=True)


def _store(storage: Storage, shop_id: int, digest: str, processed: ProcessedMedia,
           asset: MediaAsset) -> None:
    key = build_key(shop_id, digest, processed.extension)
    storage.save(key, processed.data)
    thumbnails: dict[str, str] = {}
    for width, data in sorted(processed.thumbnails.items()):
        thumb_key = build_key(shop_id, digest, thumbnail_extension(processed.format), width)
        storage.save(thumb_key, data)
        thumbnails[str(width)] = thumb_key
    asset.kind = processed.kind
    asset.content_type = processed.content_type
    asset.byte_size = len(processed.data)
    asset.width, asset.height = processed.width, processed.height
    asset.sha256 = digest
    asset.storage_key = key
    asset.thumbnails = thumbnails
    asset.status = MediaStatus.READY.value


def _by_sha(session: Session, digest: str) -> MediaAsset | None:
    return session.scalar(select(MediaAsset).where(MediaAsset.sha256 == digest))


def _revive(asset: MediaAsset) -> MediaAsset:
    if asset.deleted_at is not None:
        asset.deleted_at = None
    return asset


# --- external images ----------------------------------------------------------------------


def adopt_external(session: Session, url: str, *, folder: str = "", alt_text: str = "",
                   connection: redis.Redis | None = None,
                   allow_private_hosts: bool | None = None) -> MediaAsset:
    """Record an image by URL at once (usable right away through its own URL) and queue
    a job that copies it into the library. The same URL twice gives the same asset."""
    _shop(session)
    url = (url or "").strip() if isinstance(url, str) else ""
    if not is_http_url(url):
        raise ValidationFailed.single("/url", f"an http(s) URL of at most {MAX_URL_LENGTH} "
                                              "characters is required", "format")
    if not _private_hosts_allowed(allow_private_hosts) and _literal_private_host(url):
        raise ValidationFailed.single("/url", "the URL must name a public host",
                                      MediaErrorCode.FORBIDDEN_HOST.value)
    folder, alt_text = _clean_folder(folder), _clean_alt(alt_text)
    existing = session.scalar(select(MediaAsset).where(
        MediaAsset.source == MediaSource.EXTERNAL.value, MediaAsset.external_url == url)
        .order_by(MediaAsset.id).limit(1))
    if existing is not None:
        if existing.sha256 is None and existing.status == MediaStatus.READY:
            # Its copy turned out to be an image the shop already had: that is the asset.
            twin = session.scalar(select(MediaAsset).where(
                MediaAsset.storage_key == existing.storage_key,
                MediaAsset.sha256.is_not(None)))
            if twin is not None:
                return _revive(twin)
        _revive(existing)
        if existing.status == MediaStatus.FAILED:  # asked again: start a new round of tries
            existing.status = MediaStatus.PENDING.value
            existing.copy_attempts, existing.last_error = 0, ""
        if existing.status == MediaStatus.PENDING:
            existing.next_attempt_at = utcnow()
            session.flush()
            schedule_copy(session, existing, connection=connection)  # same id: never doubled
        return existing
    asset = MediaAsset(kind=MediaKind.IMAGE.value, source=MediaSource.EXTERNAL.value,
                       external_url=url, status=MediaStatus.PENDING.value,
                       name=_name_from_url(url), original_filename=_name_from_url(url),
                       folder=folder, alt_text=alt_text, next_attempt_at=utcnow())
    session.add(asset)
    session.flush()
    schedule_copy(session, asset, connection=connection)
    return asset


def schedule_copy(session: Session, asset: MediaAsset, *, delay: timedelta | None = None,
                  connection: redis.Redis | None = None) -> None:
    """Enqueue (after commit) the copy of an external asset's current attempt."""
    from runtime.jobs import BULK, enqueue_after_commit
    from runtime.media.jobs import copy_external_image

    if connection is None:
        from runtime.extension import state

        connection = state().redis
    enqueue_after_commit(session, connection, copy_external_image, asset.shop_id, asset.id,
                         queue=BULK, jid=copy_job_id(asset), delay=delay)


def copy_job_id(asset: MediaAsset) -> str:
    from runtime.jobs import job_id

    return job_id("media-copy", asset.shop_id, asset.id, asset.copy_attempts)


def process_external(data: bytes, limits: MediaLimits | None = None) -> ProcessedMedia:
    """Check downloaded bytes as an upload would be checked; only images are adopted."""
    processed = process_upload(data, limits or _app_limits())
    if processed.kind != MediaKind.IMAGE:
        raise unsupported("the URL does not serve a JPEG, PNG, WebP or GIF image")
    return processed


def attach_external_copy(session: Session, asset: MediaAsset, digest: str,
                         processed: ProcessedMedia, *,
                         storage: Storage | None = None) -> MediaAsset:
    """Turn a pending external asset into a stored one (``digest``: sha256 of the download).

    When the shop already holds the same bytes, that asset stays the library's copy and
    this one is marked deleted; references to either keep resolving to the same file.
    """
    shop_id = _shop(session)
    twin = _by_sha(session, digest)
    _store(storage or current_storage(), shop_id, digest, processed, asset)
    if twin is not None and twin.id != asset.id:
        asset.sha256 = None
        if asset.deleted_at is None and twin.deleted_at is not None:
            twin.deleted_at = None
        asset.deleted_at = asset.deleted_at or utcnow()
        asset.last_error = f"same image as media asset {twin.id}"
    else:
        asset.last_error = ""
    asset.next_attempt_at = None
    session.flush()
    return asset


def record_copy_failure(asset: MediaAsset, message: str, *, retry: bool) -> timedelta | None:
    """Count a failed copy; return the delay before the next attempt, None when giving up."""
    asset.copy_attempts += 1
    asset.last_error = message[:500]
    if retry and asset.copy_attempts <= len(COPY_RETRY_DELAYS):
        delay = COPY_RETRY_DELAYS[asset.copy_attempts - 1]
        asset.next_attempt_at = utcnow() + delay
        return delay
    asset.status = MediaStatus.FAILED.value
    asset.next_attempt_at = None
    return None


def _private_hosts_allowed(explicit: bool | None) -> bool:
    if explicit is not None:
        return explicit
    from runtime.extension import state

    return state().settings.media_fetch_private_hosts


def _literal_private_host(url: str) -> bool:
    import ipaddress

    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False


def _name_from_url(url: str) -> str:
    parts = urlsplit(url)
    base = posixpath.basename(unquote(parts.path)) or parts.hostname or "image"
    return _display_filename(base) or "image"


# --- editing ------------------------------------------------------------------------------


def update_asset(session: Session, asset_id: int, *, name: str | None = None,
                 alt_text: str | None = None, folder: str | None = None) -> MediaAsset:
    """Rename an asset, or change its alt text or folder (storage keys never change)."""
    asset = get_asset(session, asset_id)
    errors = FieldErrors()
    if name is not None:
        clean = _clean_text(name) if isinstance(name, str) else ""
        if not clean or len(clean) > MAX_NAME:
            errors.append(FieldError("/name", f"a name of 1-{MAX_NAME} characters is required",
                                     "required"))
        else:
            asset.name = clean
    if alt_text is not None:
        try:
            asset.alt_text = _clean_alt(alt_text)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if folder is not None:
        try:
            asset.folder = _clean_folder(folder)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    errors.raise_if_any()
    session.flush()
    return asset


def delete_asset(session: Session, asset_id: int, *, force: bool = False) -> MediaAsset:
    """Soft-delete: the asset leaves the library, its files stay so pages that still show it
    keep working. Refused (409 ``media_in_use``) while something uses it, unless ``force``."""
    asset = get_asset(session, asset_id)
    references = find_references(session, [asset.id]).get(asset.id, [])
    if references and not force:
        raise Conflict(f"media asset {asset.id} is used by {len(references)} item(s)",
                       code=MediaErrorCode.MEDIA_IN_USE.value,
                       extra={"references": [{"kind": r.kind, "id": r.id, "label": r.label}
                                             for r in references]})
    asset.deleted_at = utcnow()
    session.flush()
    return asset


# --- helpers ------------------------------------------------------------------------------


def _shop(session: Session) -> int:
    shop_id = current_shop_id(session)
    if shop_id is None:
        from runtime.db import NoShopContext

        raise NoShopContext("the media library needs a shop; call use_shop() first")
    return shop_id


def _app_limits() -> MediaLimits:
    from runtime.extension import state

    return MediaLimits.from_settings(state().settings)


def _clean_text(value: str) -> str:
    """NFC, without control characters, trimmed."""
    return "".join(ch for ch in unicodedata.normalize("NFC", value)
                   if unicodedata.category(ch)[0] != "C").strip()


def _display_filename(value: object) -> str:
    """An uploaded file's name safe to show: no directories, at most MAX_NAME characters."""
    if not isinstance(value, str):
        return ""
    return _clean_text(value.replace("\\", "/").rsplit("/", 1)[-1])[:MAX_NAME]


def _clean_label(value: object, pointer: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationFailed.single(pointer, "must be a string", "type")
    clean = _clean_text(value)
    if len(clean) > limit:
        raise ValidationFailed.single(pointer, f"at most {limit} characters", "max_length")
    return clean


def _clean_folder(value: object) -> str:
    return _clean_label(value, "/folder", MAX_FOLDER)


def _clean_alt(value: object) -> str:
    return _clean_label(value, "/alt_text", MAX_ALT)

