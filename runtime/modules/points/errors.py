"""The points module's error codes."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict


class PointsErrorCode(StrEnum):
    INSUFFICIENT_POINTS = "insufficient_points"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    DEDUCTION_DISABLED = "points_deduction_disabled"


class InsufficientPoints(Conflict):
    code = PointsErrorCode.INSUFFICIENT_POINTS.value
    title = "Not enough points"

    def __init__(self, balance: int, requested: int) -> None:
        super().__init__(f"{requested} points needed, {balance} available",
                         extra={"balance": balance, "requested": requested})
        self.balance = balance
        self.requested = requested


class KeyReused(Conflict):
    code = PointsErrorCode.IDEMPOTENCY_KEY_REUSED.value
    title = "Idempotency key reused"
