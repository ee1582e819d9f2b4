"""FieldErrors: check input field by field, answer with every problem in one 422 (no app)."""

from __future__ import annotations

import pytest

from runtime.errors import FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.money import yuan_field


def _pointers(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.pointer, e.code) for e in errors]


def test_readers_return_clean_values_or_record_why_not() -> None:
    data = {"days": 30, "flag": True, "name": "  Tea ", "lat": 31.2,
            "bad_days": True, "big": 400, "flag_text": "yes", "blank": " ", "nan": float("nan")}
    errors = FieldErrors()
    assert errors.integer(data, "days", 1, 365) == 30
    assert errors.boolean(data, "flag") is True
    assert errors.text(data, "name", 10) == "Tea"
    assert errors.number(data, "lat", -90, 90) == 31.2
    assert not errors
    assert errors.integer(data, "bad_days", 0, 10) is None  # a boolean is not a number
    assert errors.integer(data, "big", 1, 365, at="/rules/0") is None
    assert errors.boolean(data, "flag_text") is None
    assert errors.text(data, "blank", 10) is None
    assert errors.number(data, "nan", 0, 1) is None
    assert errors.integer(data, "missing", 1, 2, required=False) is None
    assert errors.text(data, "name", 2) is None
    assert _pointers(errors) == [("/bad_days", "range"), ("/rules/0/big", "range"),
                                 ("/flag_text", "type"), ("/blank", "required"),
                                 ("/nan", "range"), ("/name", "max_length")]


def test_unknown_and_required_fields() -> None:
    errors = FieldErrors()
    errors.unknown({"a": 1, "zz": 2, "b": 3}, {"a"}, at="/rule")
    errors.require({"a": 1}, ("a", "c"))
    assert _pointers(errors) == [("/rule/b", "unknown"), ("/rule/zz", "unknown"),
                                 ("/c", "required")]


def test_raise_if_any_raises_all_at_once_and_nothing_when_clean() -> None:
    FieldErrors().raise_if_any()
    errors = FieldErrors()
    assert errors.check(True, "/x", "fine") is True
    assert errors.check(False, "/y", "not fine", "range") is False
    errors.add("/z", "also wrong")
    yuan_field("inf", "/price_fen", errors)  # goes where a list of field errors goes
    with pytest.raises(ValidationFailed) as caught:
        errors.raise_if_any()
    assert _pointers(caught.value.errors) == [("/y", "range"), ("/z", "invalid"),
                                              ("/price_fen", "type")]
    assert caught.value.to_problem()["status"] == 422


def test_collecting_keeps_going_past_a_helper_that_raises() -> None:
    errors = FieldErrors()
    with errors.collecting():
        raise ValidationFailed.single("/a", "first")
    with errors.collecting():
        yuan_field("-1", "/b")
    assert _pointers(errors) == [("/a", "invalid"), ("/b", "range")]
    with pytest.raises(KeyError), errors.collecting():
        raise KeyError("other errors pass through")
