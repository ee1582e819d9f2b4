"""The one yuan -> fen parser, without an app or a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runtime.errors import FieldError, ValidationFailed
from runtime.money import MAX_FEN, AmountError, fen_text, parse_yuan, yuan_field


@pytest.mark.parametrize("typed, fen", [
    ("12.5", 1250), ("12.50", 1250), ("0.01", 1), (" 3 ", 300), (".5", 50), ("12.", 1200),
    ("¥1,299", 129900), ("1,000.50", 100050), ("￥8元", 800), ("RMB 9.90", 990),
    (12, 1200), (12.9, 1290), (0.1 + 0.2, 30), (Decimal("7.07"), 707), ("0", 0),
])
def test_amounts_become_exact_fen(typed: object, fen: int) -> None:
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_none(blank: object) -> None:
    assert parse_yuan(blank) is None


@pytest.mark.parametrize("typed, code", [
    ("1.005", "precision"),  # a float rounding would have made it 100 fen
    (1.005, "precision"), ("0.001", "precision"),
    ("inf", "type"), ("-inf", "type"), ("Infinity", "type"), ("nan", "type"), ("NaN", "type"),
    (float("inf"), "type"), (float("nan"), "type"), (Decimal("NaN"), "type"),
    (Decimal("Infinity"), "type"),
    ("1e3", "type"), ("12,5", "type"), ("abc", "type"), ("1.2.3", "type"), (True, "type"),
    ([], "type"),
    ("-1", "range"), (-0.5, "range"),
    ("20000000.01", "range"), ("9" * 40, "range"), (1e30, "range"),
])
def test_refused_amounts_say_why(typed: object, code: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_yuan(typed)
    assert caught.value.code == code


def test_negative_only_when_allowed_and_limit_is_on_the_size() -> None:
    assert parse_yuan("-3", negative=True) == -300
    assert parse_yuan(str(MAX_FEN // 100)) == MAX_FEN
    with pytest.raises(AmountError, match="at most 100 yuan"):
        parse_yuan("-100.01", negative=True, max_fen=10_000)


def test_field_errors_name_the_field_raised_or_collected() -> None:
    with pytest.raises(ValidationFailed) as caught:
        yuan_field("inf", "/free_over_fen")
    assert [(e.pointer, e.code) for e in caught.value.errors] == [("/free_over_fen", "type")]
    errors: list[FieldError] = []
    assert yuan_field("1.005", "/a", errors) is None
    assert yuan_field("-2", "/b", errors) is None
    assert yuan_field("2", "/c", errors) == 200
    assert [(e.pointer, e.code) for e in errors] == [("/a", "precision"), ("/b", "range")]


@pytest.mark.parametrize("fen, text", [(12345, "123.45"), (5, "0.05"), (-250, "-2.50"),
                                       (0, "0.00"), (None, "")])
def test_fen_text_is_exact(fen: int | None, text: str) -> None:
    assert fen_text(fen) == text
    if fen is not None:
        assert parse_yuan(text, negative=True) == fen
