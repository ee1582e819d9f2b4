"""The rule sets in the order's life (pluggy hooks): 推三返一 buys and 链动2+1 placement and
rewards at payment, a freed 推三返一 slot on refund. Each does nothing while its rule set is
off or not acknowledged."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.modules.distribution.rulesets import chain21, notice, tuisan
from runtime.modules.hookspecs import hookimpl


@hookimpl(trylast=True)
def order_paid(session: Session, order: Any, lines: list[Any]) -> None:
    on = notice.rules_on(session)  # one read, the common case being neither on
    if tuisan.RULE in on:
        tuisan.on_paid(session, order, lines)
    if chain21.RULE in on:
        chain21.on_paid(session, order, lines)


@hookimpl
def line_refunded(session: Session, order: Any, line: Any, refund: Any) -> None:
    tuisan.on_refund(session, line.id)
