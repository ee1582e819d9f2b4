"""Stored credentials (merchant keys, AppSecrets), sealed with a key derived from the app's
secret key and a purpose, so one leaked token type never opens another.

Every table that keeps a secret goes through :func:`seal` / :func:`unseal`; this is the one
place a key rotation has to change.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class CredentialsUnreadable(Exception):
    """The token was sealed with another secret key (or purpose), or was altered."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    digest = hashlib.sha256(f"mallkit-{purpose}:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, purpose: str, data: dict[str, Any]) -> str:
    """An encrypted, authenticated token of ``data`` (JSON) for ``purpose``."""
    return _fernet(secret_key, purpose).encrypt(json.dumps(data).encode()).decode()


def unseal(secret_key: str, purpose: str, token: str) -> dict[str, Any]:
    """What :func:`seal` stored; :class:`CredentialsUnreadable` with another key."""
    try:
        return json.loads(_fernet(secret_key, purpose).decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(purpose) from None
