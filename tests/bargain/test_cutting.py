"""The cut rule: the last helper takes what remains, the others 20–50 % of the spare (at
least 1 fen); over many random launches the cuts sum exactly to start − floor."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.modules.bargain.cutting import cut_amount


class Draws:
    """An rng whose ``randint`` answers the given basis points, in order."""

    def __init__(self, *values: int) -> None:
        self.values = list(values)
        self.asked: list[tuple[int, int]] = []

    def randint(self, low: int, high: int) -> int:
        self.asked.append((low, high))
        return self.values.pop(0)


def all_cuts(total: int, helpers: int, rng) -> list[int]:
    cuts, remaining = [], total
    for left in range(helpers, 0, -1):
        cuts.append(cut_amount(remaining, left, rng))
        remaining -= cuts[-1]
    return cuts


@settings(max_examples=500, deadline=None)
@given(floor=st.integers(1, 10**6), extra=st.integers(0, 10**6),
       helpers=st.integers(1, 100), seed=st.integers(0, 2**32))
def test_cuts_sum_exactly_to_start_minus_floor(floor, extra, helpers, seed):
    total = helpers + extra  # start − floor: at least 1 fen per cut
    rng = random.Random(seed)
    cuts = all_cuts(total, helpers, rng)
    assert sum(cuts) == total
    assert len(cuts) == helpers and min(cuts) >= 1
    remaining = total
    for left, cut in zip(range(helpers, 0, -1), cuts, strict=True):
        spare = remaining - (left - 1)
        if left > 1:
            assert cut == max(1, cut) and cut <= max(1, spare // 2)
            assert cut >= max(1, spare * 2000 // 10_000)
        remaining -= cut
        assert remaining >= left - 1  # every later helper can still cut 1 fen


def test_the_last_helper_takes_exactly_what_remains():
    rng = Draws()
    assert cut_amount(1263, 1, rng) == 1263 and rng.asked == []


def test_others_take_a_draw_between_20_and_50_percent_of_the_spare():
    rng = Draws(2000, 5000)
    assert cut_amount(7000, 5, rng) == 6996 * 2000 // 10_000
    assert cut_amount(7000, 5, rng) == 6996 // 2
    assert rng.asked == [(2000, 5000), (2000, 5000)]


def test_a_small_spare_still_cuts_one_fen():
    assert all_cuts(5, 5, Draws(2000, 2000, 2000, 2000)) == [1, 1, 1, 1, 1]


@pytest.mark.parametrize(("remaining", "left"), [(3, 4), (0, 1), (5, 0)])
def test_too_little_to_cut_is_refused(remaining, left):
    with pytest.raises(ValueError):
        cut_amount(remaining, left, Draws(3000))
