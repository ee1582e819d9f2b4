"""Image references shared with the catalog and blocks, and the one way to turn them into URLs.

A reference is ``{"media_id": int}`` (an asset of the shop's library) or ``{"url": str}``
(an http(s) image used as is). :func:`media_url` accepts either, an asset, or None; pass
``assets`` from :func:`load_assets` to resolve many references with one query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, ValidationFailed
from runtime.media.models import MediaAsset, MediaSource, MediaStatus
from runtime.media.storage import Storage, current_storage

ImageRef = dict[str, Any]
MAX_URL_LENGTH = 2048
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")  # \s is str.isspace()'s set


def is_http_url(value: object) -> bool:
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        return False
    if _SPACE_OR_CONTROL.search(value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def ref_errors(value: object, pointer: str) -> list[FieldError]:
    """What is wrong with ``value`` as an image reference (empty when it is fine)."""
    if not isinstance(value, dict):
        return [FieldError(pointer, 'an image is {"media_id": <id>} or {"url": "https://..."}',
                           "type")]
    keys = set(value)
    if keys == {"media_id"}:
        media_id = value["media_id"]
        if isinstance(media_id, bool) or not isinstance(media_id, int) or media_id < 1:
            return [FieldError(f"{pointer}/media_id", "must be a positive integer", "type")]
        return []
    if keys == {"url"}:
        if not is_http_url(value["url"]):
            return [FieldError(f"{pointer}/url", "must be an http(s) URL of at most "
                                                 f"{MAX_URL_LENGTH} characters", "format")]
        return []
    return [FieldError(pointer, 'an image has exactly one of "media_id" or "url"', "type")]


def validate_ref(value: object, pointer: str = "") -> ImageRef:
    """Return a clean copy of an image reference, or raise ValidationFailed at ``pointer``."""
    errors = ref_errors(value, pointer)
    if errors:
        raise ValidationFailed(errors)
    assert isinstance(value, dict)
    return dict(value)


def check_refs_exist(session: Session, refs: Iterable[ImageRef], pointer: str) -> None:
    """Every ``media_id`` names a live asset of the current shop (else 422 at its index)."""
    refs = list(refs)
    found = load_assets(session, refs)
    missing = [FieldError(f"{pointer}/{i}/media_id", "no such image in the media library",
                          "not_found")
               for i, r in enumerate(refs) if isinstance(r, dict) and "media_id" in r
               and (r["media_id"] not in found or found[r["media_id"]].deleted_at is not None)]
    if missing:
        raise ValidationFailed(missing)


def ref_for(asset: MediaAsset) -> ImageRef:
    return {"media_id": asset.id}


def load_assets(session: Session, refs: Iterable[object]) -> dict[int, MediaAsset]:
    """The assets named by ``refs`` (references, ids or assets), in one query."""
    ids: set[int] = set()
    for ref in refs:
        if isinstance(ref, MediaAsset):
            ids.add(ref.id)
        elif isinstance(ref, int) and not isinstance(ref, bool):
            ids.add(ref)
        elif isinstance(ref, dict) and isinstance(ref.get("media_id"), int):
            ids.add(ref["media_id"])
    if not ids:
        return {}
    rows = session.scalars(select(MediaAsset).where(MediaAsset.id.in_(ids)))
    return {a.id: a for a in rows}


def asset_url(asset: MediaAsset, size: int | None = None,
              storage: Storage | None = None) -> str | None:
    """The asset's URL; with ``size``, the smallest thumbnail at least that wide (or the
    original). An external image not copied yet is served from its own URL."""
    if asset.status == MediaStatus.READY and asset.storage_key:
        storage = storage or current_storage()
        key = asset.storage_key
        if size is not None:
            wider = sorted(w for w in asset.thumbnail_keys() if w >= size)
            if wider:
                key = asset.thumbnail_keys()[wider[0]]
        return storage.url(key)
    if asset.status == MediaStatus.PENDING and asset.source == MediaSource.EXTERNAL:
        return asset.external_url
    return None


def media_url(asset_or_ref: MediaAsset | Mapping[str, Any] | None, size: int | None = None, *,
              session: Session | None = None, assets: Mapping[int, MediaAsset] | None = None,
              storage: Storage | None = None) -> str | None:
    """The URL to show for an asset or image reference, None when there is nothing to show.

    ``{"media_id"}`` references are looked up in ``assets`` (see :func:`load_assets`) or,
    failing that, through ``session`` (scoped to the current shop).
    """
    if asset_or_ref is None:
        return None
    if isinstance(asset_or_ref, MediaAsset):
        return asset_url(asset_or_ref, size, storage)
    if not isinstance(asset_or_ref, Mapping):
        return None
    if "url" in asset_or_ref:
        url = asset_or_ref["url"]
        return url if is_http_url(url) else None
    media_id = asset_or_ref.get("media_id")
    if not isinstance(media_id, int) or isinstance(media_id, bool):
        return None
    asset = assets.get(media_id) if assets is not None else None
    if asset is None and session is not None:
        asset = session.scalar(select(MediaAsset).where(MediaAsset.id == media_id))
    return asset_url(asset, size, storage) if asset is not None else None


def asset_json(asset: MediaAsset, storage: Storage | None = None) -> dict[str, Any]:
    """The asset as the console and API show it."""
    storage = storage or current_storage()
    thumbs = {}
    if asset.status == MediaStatus.READY:
        thumbs = {str(w): storage.url(k) for w, k in sorted(asset.thumbnail_keys().items())}
    return {
        "id": asset.id,
        "ref": ref_for(asset),
        "kind": asset.kind,
        "name": asset.name,
        "original_filename": asset.original_filename,
        "content_type": asset.content_type,
        "bytes": asset.byte_size,
        "width": asset.width,
        "height": asset.height,
        "sha256": asset.sha256,
        "alt_text": asset.alt_text,
        "folder": asset.folder,
        "source": asset.source,
        "status": asset.status,
        "external_url": asset.external_url,
        "url": asset_url(asset, None, storage),
        "thumbnails": thumbs,
        "deleted": asset.deleted_at is not None,
        "created_at": asset.created_at.isoformat() if asset.created_at else None,
    }
