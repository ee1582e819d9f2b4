"""Why the media library refuses a file: stable codes, rendered as problem+json on ``/file``."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import FieldError, NotFound, ValidationFailed


class MediaErrorCode(StrEnum):
    UNSUPPORTED_MEDIA = "unsupported_media"
    TOO_LARGE = "too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    EMPTY_FILE = "empty_file"
    MEDIA_NOT_FOUND = "media_not_found"
    MEDIA_IN_USE = "media_in_use"
    FORBIDDEN_HOST = "forbidden_host"


class MediaRejected(ValidationFailed):
    """A file that is not an image (or mp4) the library accepts; names the offending field."""

    title = "Media rejected"

    def __init__(self, code: MediaErrorCode, message: str, *, pointer: str = "/file",
                 status: int = 422) -> None:
        super().__init__([FieldError(pointer, message, code.value)], detail=message)
        self.code = code.value
        self.status = status


def too_large(message: str, pointer: str = "/file") -> MediaRejected:
    return MediaRejected(MediaErrorCode.TOO_LARGE, message, pointer=pointer, status=413)


def unsupported(message: str, pointer: str = "/file") -> MediaRejected:
    return MediaRejected(MediaErrorCode.UNSUPPORTED_MEDIA, message, pointer=pointer, status=415)


def media_not_found(asset_id: object) -> NotFound:
    return NotFound(f"no media asset {asset_id}", code=MediaErrorCode.MEDIA_NOT_FOUND.value)
