"""The wallet module's error codes."""

from __future__ import annotations

from enum import StrEnum

from runtime.errors import Conflict


class WalletErrorCode(StrEnum):
    INSUFFICIENT_BALANCE = "insufficient_balance"
    TOPUP_CLOSED = "topup_closed"
    TOPUP_DISABLED = "topup_disabled"
    TOPUP_NOT_FOUND = "topup_not_found"
    TOPUP_AMOUNT_MISMATCH = "topup_amount_mismatch"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    REFUND_EXCEEDS_CHARGE = "refund_exceeds_charge"
    NOTHING_TO_REFUND = "nothing_to_refund"


class InsufficientBalance(Conflict):
    code = WalletErrorCode.INSUFFICIENT_BALANCE.value
    title = "Balance too low"

    def __init__(self, balance_fen: int, requested_fen: int) -> None:
        super().__init__(f"{requested_fen} fen needed, {balance_fen} fen available",
                         extra={"balance_fen": balance_fen, "requested_fen": requested_fen})
        self.balance_fen = balance_fen
        self.requested_fen = requested_fen
