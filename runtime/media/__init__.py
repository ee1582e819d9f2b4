"""The media library: per-shop images (and mp4 videos), their files, thumbnails and URLs.

Public API for other packages: :mod:`runtime.media.service` (upload, adopt_external, ...),
:func:`media_url` and the image reference helpers of :mod:`runtime.media.refs`.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from runtime.media.refs import ImageRef, asset_json, load_assets, media_url, validate_ref

__all__ = ["ImageRef", "asset_json", "init_app", "load_assets", "media_url", "validate_ref"]


def _template_media_url(asset_or_ref: Any, size: int | None = None) -> str | None:
    """``{{ media_url(image, 300) }}`` in templates: resolved through the request's session."""
    from runtime.media.models import MediaAsset
    from runtime.tenancy import db

    if isinstance(asset_or_ref, dict) and "media_id" in asset_or_ref:
        return media_url(asset_or_ref, size, session=db())
    if isinstance(asset_or_ref, MediaAsset | dict) or asset_or_ref is None:
        return media_url(asset_or_ref, size)
    return None


def init_app(app: Flask) -> None:
    from runtime.media.jobs import SWEEP_EVERY, sweep_external_copies
    from runtime.media.storage import LocalStorage
    from runtime.media.views import media_files

    mk = app.extensions["mallkit"]
    mk.registries.setdefault("media.storage", LocalStorage(mk.settings.data_dir / "media"))
    app.register_blueprint(media_files)
    app.add_template_global(_template_media_url, "media_url")
    mk.modules.add_periodic("media-copy-sweeper", sweep_external_copies, SWEEP_EVERY)
