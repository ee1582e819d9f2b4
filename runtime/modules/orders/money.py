"""Integer-fen arithmetic: splitting an amount over lines so the parts sum exactly."""

from __future__ import annotations

from collections.abc import Sequence


def allocate(amount_fen: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount_fen`` in proportion to ``weights`` by the largest-remainder method.

    The parts are integers that sum to ``amount_fen`` exactly; no part exceeds its weight
    when ``amount_fen <= sum(weights)`` (a discount never makes a line negative). Ties in
    the remainder go to the earlier line, so the result is deterministic.
    """
    if amount_fen < 0:
        raise ValueError("amount_fen must not be negative")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    total = sum(weights)
    if amount_fen == 0 or not weights:
        return [0] * len(weights)
    if total == 0:
        raise ValueError("cannot allocate a non-zero amount over zero weights")
    parts = [amount_fen * w // total for w in weights]
    remainders = [amount_fen * w % total for w in weights]
    short = amount_fen - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:short]:
        parts[i] += 1
    return parts


def percent_of(amount_fen: int, percent: int | float | str) -> int:
    """``percent`` % of ``amount_fen``, rounded half up to the fen (for discounts by rate)."""
    from decimal import ROUND_HALF_UP, Decimal

    value = Decimal(amount_fen) * Decimal(str(percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
