"""argon2id password hashing with parameters from settings (cheap ones in tests)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from runtime.errors import FieldError, ValidationFailed
from runtime.settings import Settings

MIN_LENGTH = 8


def hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(time_cost=settings.argon2_time_cost,
                          memory_cost=settings.argon2_memory_kib,
                          parallelism=settings.argon2_parallelism)


def check_strength(password: str, pointer: str = "/password") -> None:
    problems = []
    if len(password or "") < MIN_LENGTH:
        problems.append(FieldError(pointer, f"at least {MIN_LENGTH} characters", "min_length"))
    elif password.isdigit() or password.isalpha():
        problems.append(FieldError(pointer, "mix letters with digits or symbols", "weak"))
    if problems:
        raise ValidationFailed(problems)


def verify(ph: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return ph.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
