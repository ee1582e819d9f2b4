"""Money typed by people, in yuan, as integer fen: one exact parser for every form, JSON body
and spreadsheet cell (``Decimal``, never ``float`` arithmetic).

``"12.5"``, ``"¥1,299"``, ``12.5`` and ``Decimal("12.50")`` are amounts; ``"1.005"`` (more than
two decimals), ``"inf"``, ``"nan"``, ``"1e3"``, booleans and (unless allowed) negative amounts
are refused with :class:`AmountError`, which :func:`yuan_field` turns into a field error.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from runtime.errors import FieldError, ValidationFailed

MAX_FEN = 2_000_000_000  # 20 million yuan: any price, fee or balance change typed by a person
CURRENCY_MARKS = ("¥", "￥", "CNY", "RMB", "元")
NOT_AN_AMOUNT = "an amount in yuan with at most two decimals, e.g. 12.50"
NEGATIVE = "must not be negative"
TOO_LARGE = "at most {limit} yuan"
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_CENT = Decimal("0.01")


class AmountError(ValueError):
    """Why an amount was refused: an English ``template`` (with ``params``) and a problem
    ``code`` (``type``, ``precision`` or ``range``)."""

    def __init__(self, template: str, code: str, **params: Any) -> None:
        self.template, self.code, self.params = template, code, params
        super().__init__(template.format(**params))

    @property
    def message(self) -> str:
        return str(self)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise AmountError(NOT_AN_AMOUNT, "type")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AmountError(NOT_AN_AMOUNT, "type")
        amount = Decimal(repr(value))
        rounded = amount.quantize(_CENT) if abs(amount) < 10**12 else amount
        # a spreadsheet's 12.9 may come as 12.900000000000002: a binary artefact, not a decimal
        return rounded if abs(amount - rounded) <= Decimal("0.000001") else amount
    if isinstance(value, str):
        raw = value.strip().replace(" ", "")
        for mark in CURRENCY_MARKS:
            raw = raw.replace(mark, "")
        if _GROUPED.match(raw):
            raw = raw.replace(",", "")
        if not _PLAIN.match(raw):
            raise AmountError(NOT_AN_AMOUNT, "type")
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
            raise AmountError(NOT_AN_AMOUNT, "type") from None
    raise AmountError(NOT_AN_AMOUNT, "type")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_yuan(value: Any, *, negative: bool = False, max_fen: int = MAX_FEN) -> int | None:
    """An amount in yuan as integer fen (``"12.5"`` -> ``1250``); blank is None.

    Refuses anything but a finite number with at most two decimals, a negative one unless
    ``negative``, and one whose size is over ``max_fen``.
    """
    if is_blank(value):
        return None
    amount = _decimal(value)
    if not amount.is_finite():
        raise AmountError(NOT_AN_AMOUNT, "type")
    if amount < 0 and not negative:
        raise AmountError(NEGATIVE, "range")
    if abs(amount) * 100 > max_fen:
        raise AmountError(TOO_LARGE, "range", limit=max_fen // 100)
    if amount != amount.quantize(_CENT):
        raise AmountError(NOT_AN_AMOUNT, "precision")
    return int(amount * 100)


def yuan_field(value: Any, pointer: str, errors: list[FieldError] | None = None, *,
               negative: bool = False, max_fen: int = MAX_FEN) -> int | None:
    """:func:`parse_yuan` for a field at ``pointer``: a refused amount is appended to
    ``errors`` (and None returned) when a list is given, else raised as a 422."""
    try:
        return parse_yuan(value, negative=negative, max_fen=max_fen)
    except AmountError as exc:
        error = FieldError(pointer, exc.message, exc.code)
        if errors is None:
            raise ValidationFailed([error]) from None
        errors.append(error)
        return None


def fen_text(fen: int | None) -> str:
    """``12345`` -> ``"123.45"``, exact (for form values); None is blank."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
