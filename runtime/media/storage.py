"""Where media bytes live: a small interface and its local-filesystem implementation.

Keys are built by the library (``<shop_id>/<aa>/<sha256>[-w<width>].<ext>``, or
``private/<shop_id>/<aa>/<sha256>.pdf`` for documents only their owner serves), never from a
file name; every implementation refuses any other shape, so no key can leave the root.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

KEY_RE = re.compile(r"[0-9]{1,19}/[0-9a-f]{2}/[0-9a-f]{64}(?:-w[0-9]{1,5})?"
                    r"\.(?:jpg|png|webp|gif|mp4)")
#: Private documents (invoice PDFs): never served by ``/media``; their owner serves them.
PRIVATE_KEY_RE = re.compile(r"private/[0-9]{1,19}/[0-9a-f]{2}/[0-9a-f]{64}\.pdf")

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp",
                 "gif": "image/gif", "mp4": "video/mp4", "pdf": "application/pdf"}


class InvalidKey(ValueError):
    """A storage key not of the library's own shape (e.g. ``../../etc/passwd``)."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not (KEY_RE.fullmatch(key) or PRIVATE_KEY_RE.fullmatch(key)):
        raise InvalidKey(f"invalid media storage key {key!r}")
    return key


def is_private(key: str) -> bool:
    return isinstance(key, str) and PRIVATE_KEY_RE.fullmatch(key) is not None


def content_type_for(key: str) -> str:
    return CONTENT_TYPES[check_key(key).rsplit(".", 1)[1]]


def build_key(shop_id: int, sha256: str, extension: str, width: int | None = None) -> str:
    suffix = f"-w{width}" if width is not None else ""
    return check_key(f"{int(shop_id)}/{sha256[:2]}/{sha256}{suffix}.{extension}")


def build_private_key(shop_id: int, sha256: str, extension: str = "pdf") -> str:
    return check_key(f"private/{int(shop_id)}/{sha256[:2]}/{sha256}.{extension}")


class Storage(Protocol):
    """What the media library needs from a place that keeps bytes."""

    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files under ``root`` (``settings.data_dir / "media"``), served at ``<base_url>/<key>``."""

    def __init__(self, root: Path, base_url: str = "/media") -> None:
        self.root = Path(root).resolve()
        self.base_url = base_url.rstrip("/")

    def path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidKey(f"media storage key {key!r} leaves the storage root")
        return path

    def save(self, key: str, data: bytes) -> None:
        """Write atomically; content-addressed keys make a rewrite of the same key a no-op."""
        path = self.path(key)
        if path.is_file() and path.stat().st_size == len(data):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"


def current_storage() -> Storage:
    """The app's storage (kept in ``app.extensions["mallkit"].registries``)."""
    from runtime.extension import state

    mk = state()
    storage = mk.registries.get("media.storage")
    if storage is None:
        storage = LocalStorage(mk.settings.data_dir / "media")
        mk.registries["media.storage"] = storage
    return storage
