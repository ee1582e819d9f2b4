"""The cut rule, pure: how much one helper takes off a launch.

The last helper takes exactly what remains above the floor. Any other helper takes a random
20–50% of what remains after keeping 1 fen for each helper still to come, and at least 1 fen;
so every later helper can still cut and the cuts of a launch sum exactly to
``start_price_fen - floor_price_fen`` (``docs/modules/bargain.md``)."""

from __future__ import annotations

import random

LOW_BP, HIGH_BP = 2000, 5000  # 20% and 50%, in basis points


def cut_amount(remaining_fen: int, helpers_left: int, rng: random.Random) -> int:
    """The next cut when ``remaining_fen`` is above the floor and ``helpers_left`` helpers
    (this one included) are still to cut; needs ``remaining_fen >= helpers_left >= 1``."""
    if helpers_left < 1 or remaining_fen < helpers_left:
        raise ValueError(f"{remaining_fen} fen cannot be cut by {helpers_left} helpers")
    if helpers_left == 1:
        return remaining_fen
    spare = remaining_fen - (helpers_left - 1)  # 1 fen kept for each helper after this one
    return max(1, spare * rng.randint(LOW_BP, HIGH_BP) // 10_000)


def default_rng() -> random.Random:
    return random.SystemRandom()
