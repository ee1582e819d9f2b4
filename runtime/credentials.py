"""Stored credentials (merchant keys, AppSecrets), sealed with a key derived from the
credentials key and a purpose, so one leaked token type never opens another.

The keys are ``Settings.credential_keys``: ``MALLKIT_CREDENTIALS_KEY`` (separate from the
secret key that signs sessions; without it the secret key, as before) first, then older keys
(``MALLKIT_OLD_CREDENTIALS_KEYS``) that can still open what they sealed. :func:`seal` always
uses the first; :func:`unseal` tries each. ``mallkit secrets rotate`` re-seals every stored
credential with the first key (:func:`rotate`), after which old keys can be dropped. Every
column that keeps a secret is registered with :func:`register_sealed`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session

Keys = str | Sequence[str]
"""One key, or the key ring: the first seals, every one opens."""
_sealed: list[tuple[Any, str, str]] = []


class CredentialsUnreadable(Exception):
    """The token was sealed with another secret key (or purpose), or was altered."""


def _fernet(secret_key: str, purpose: str) -> Fernet:
    digest = hashlib.sha256(f"mallkit-{purpose}:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _ring(keys: Keys, purpose: str) -> MultiFernet:
    ring = [keys] if isinstance(keys, str) else list(keys)
    return MultiFernet([_fernet(key, purpose) for key in ring])


def seal(keys: Keys, purpose: str, data: dict[str, Any]) -> str:
    """An encrypted, authenticated token of ``data`` (JSON) for ``purpose``."""
    return _ring(keys, purpose).encrypt(json.dumps(data).encode()).decode()


def unseal(keys: Keys, purpose: str, token: str) -> dict[str, Any]:
    """What :func:`seal` stored; :class:`CredentialsUnreadable` when no key opens it."""
    try:
        return json.loads(_ring(keys, purpose).decrypt(token.encode()))
    except InvalidToken:
        raise CredentialsUnreadable(purpose) from None


def register_sealed(model: Any, column: str, purpose: str) -> None:
    """Declare ``model.column`` as holding tokens sealed for ``purpose`` (for rotation)."""
    if (model, column, purpose) not in _sealed:
        _sealed.append((model, column, purpose))


def rotate(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """Re-seal every registered credential with ``keys[0]`` (in the caller's transaction,
    across every shop); returns the rows re-sealed per table. Raises
    :class:`CredentialsUnreadable` (and changes nothing once rolled back) when a token opens
    with none of ``keys``."""
    from runtime.db import platform_access

    counts: dict[str, int] = {}
    with platform_access(session, "secrets rotate: re-seal stored credentials"):
        for model, column, purpose in _sealed:
            ring = _ring(keys, purpose)
            counts[model.__tablename__] = 0
            for row in session.scalars(select(model)):
                token = getattr(row, column)
                if not token:
                    continue
                try:
                    setattr(row, column, ring.rotate(token.encode()).decode())
                except InvalidToken:
                    raise CredentialsUnreadable(
                        f"{model.__tablename__}.{column} id {row.id}") from None
                counts[model.__tablename__] += 1
        session.flush()
    return counts
