"""Firing the order hooks the way orders does, for members tests without real orders."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from runtime.modules.loader import hooks


def order_paid(session, member_id: int, order_id: int, paid_fen: int, paid_at: datetime,
               lines: list | None = None) -> None:
    """The ``order_paid`` hook for a paid order (members record it, points earn)."""
    order = SimpleNamespace(id=order_id, member_id=member_id, paid_fen=paid_fen,
                            paid_at=paid_at)
    hooks(session).order_paid(session=session, order=order, lines=lines or [])


def order_refunded(session, member_id: int, order_id: int, refund_id: int, paid_fen: int,
                   refunded_total_fen: int) -> None:
    """The ``line_refunded`` hook for a refund of (part of) a paid order."""
    order = SimpleNamespace(id=order_id, member_id=member_id, paid_fen=paid_fen, paid_at=None)
    refund = SimpleNamespace(id=refund_id, amount_fen=0, order_refunded_fen=refunded_total_fen)
    hooks(session).line_refunded(session=session, order=order, line=None, refund=refund)
