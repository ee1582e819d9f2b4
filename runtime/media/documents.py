"""Private documents a shop uploads for one buyer (an invoice PDF): checked, then kept in the
media storage under a content-addressed ``private/`` key that ``/media`` never serves. The
module that references a document serves it after its own access check.

A PDF is trusted only when its bytes say so: the ``%PDF-`` header at the start and a
``%%EOF`` marker near the end, then pypdf must parse it (strictly) into at least one page,
unencrypted. The file name and the client's content type are never consulted, so an image
or a workbook renamed to ``.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader

from runtime.media.errors import MediaErrorCode, MediaRejected, too_large, unsupported
from runtime.media.storage import Storage, build_private_key, current_storage

MAX_PDF_BYTES = 5 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
EOF_WINDOW = 2048  # %%EOF must be this close to the end (trailing whitespace, a last update)

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a refused file is not worth a warning


@dataclass(frozen=True)
class StoredDocument:
    key: str
    sha256: str
    byte_size: int
    pages: int

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "sha256": self.sha256, "byte_size": self.byte_size,
                "pages": self.pages}


def check_pdf(data: bytes, max_bytes: int = MAX_PDF_BYTES, pointer: str = "/file") -> int:
    """The page count of a real, readable PDF; raises :class:`MediaRejected` on ``pointer``
    (422 empty, 413 too large, 415 not a PDF) otherwise."""
    if not data:
        raise MediaRejected(MediaErrorCode.EMPTY_FILE, "the file is empty", pointer=pointer)
    if len(data) > max_bytes:
        raise too_large(f"the PDF is larger than {max_bytes // (1024 * 1024)} MB", pointer)
    if not data.startswith(PDF_MAGIC) or b"%%EOF" not in data[-EOF_WINDOW:]:
        raise unsupported("not a PDF file (its content does not start with %PDF- and end "
                          "with %%EOF)", pointer)
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise unsupported("the PDF is encrypted; upload it without a password", pointer)
        pages = len(reader.pages)
    except MediaRejected:
        raise
    except Exception:  # pypdf raises many kinds (its own, struct, zlib, ...) on a bad file
        raise unsupported("the PDF is damaged and cannot be read", pointer) from None
    if pages < 1:
        raise unsupported("the PDF has no pages", pointer)
    return pages


def store_pdf(shop_id: int, data: bytes, *, storage: Storage | None = None,
              max_bytes: int = MAX_PDF_BYTES, pointer: str = "/file") -> StoredDocument:
    """Check ``data`` and keep it under the shop's private key (the same bytes, one file)."""
    pages = check_pdf(data, max_bytes, pointer)
    digest = hashlib.sha256(data).hexdigest()
    key = build_private_key(shop_id, digest, "pdf")
    (storage or current_storage()).save(key, data)
    return StoredDocument(key=key, sha256=digest, byte_size=len(data), pages=pages)


def open_document(key: str, storage: Storage | None = None) -> io.BufferedIOBase:
    """The stored bytes of ``key`` (the caller has checked who may read them)."""
    return (storage or current_storage()).open(key)  # type: ignore[return-value]
