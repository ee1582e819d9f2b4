"""``GET /media/<key>``: stored files, cached for a year (keys are content-addressed);
private documents (``private/...``) are not served here."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from runtime.media.storage import (
    InvalidKey,
    LocalStorage,
    content_type_for,
    current_storage,
    is_private,
)

media_files = Blueprint("media_files", __name__)

ONE_YEAR = 365 * 24 * 3600


@media_files.get("/media/<path:key>")
def serve(key: str) -> Response:
    if is_private(key):
        abort(404)  # private documents are served by their owner, after its access check
    storage = current_storage()
    try:
        mimetype = content_type_for(key)
        if not storage.exists(key):
            abort(404)
    except InvalidKey:
        abort(404)
    if isinstance(storage, LocalStorage):
        response = send_file(storage.path(key), mimetype=mimetype, max_age=ONE_YEAR,
                             conditional=True, etag=True)
    else:
        response = send_file(storage.open(key), mimetype=mimetype, max_age=ONE_YEAR,
                             conditional=True, etag=key.rsplit("/", 1)[-1])
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
