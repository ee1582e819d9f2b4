"""Periodic work of the rule sets: the 推三返一 sweep (hourly: counts buys past their window
and pays complete groups) and the monthly partner dividend (every 6 hours it runs last
month's period unless it ran: idempotent per period, so a failed run is retried through the
month; a month missed entirely is run by hand from the console)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop
from runtime.modules.distribution.rulesets import dividends, tuisan
from runtime.modules.switches import is_enabled


def sweep_shop(session: Session) -> int:
    if not is_enabled(session, "distribution"):
        return 0
    return len(tuisan.sweep(session))


def sweep_job() -> dict[int, Any]:
    return for_each_shop(sweep_shop, "distribution rule-set sweep")


def dividends_shop(session: Session) -> str | None:
    if not is_enabled(session, "distribution"):
        return None
    row = dividends.run_last_period(session)
    return row.period if row is not None else None


def dividends_job() -> dict[int, Any]:
    return for_each_shop(dividends_shop, "distribution dividends")
