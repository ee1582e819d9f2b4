"""Photos a buyer attaches to a request: uploaded first, through the media library's checks
(the bytes must decode as an image). What is not a photo — a renamed .exe, a video — is a
422 at ``/file`` for the buyer's form (the library itself says 415)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.media import service as media
from runtime.media.errors import MediaErrorCode, MediaRejected
from runtime.media.models import MediaAsset
from runtime.media.processing import looks_like_mp4

FOLDER = "售后凭证"
NOT_A_PHOTO = "a photo is a JPEG, PNG, WebP or GIF image"


def upload_photo(session: Session, data: bytes, filename: str) -> MediaAsset:
    """Store one photo in the shop's library under 售后凭证."""
    if looks_like_mp4(data):
        raise ValidationFailed.single("/file", NOT_A_PHOTO,
                                      MediaErrorCode.UNSUPPORTED_MEDIA.value)
    try:
        return media.upload(session, data, filename, folder=FOLDER).asset
    except MediaRejected as exc:
        if exc.code != MediaErrorCode.UNSUPPORTED_MEDIA.value:
            raise
        raise ValidationFailed.single("/file", NOT_A_PHOTO, exc.code) from None
