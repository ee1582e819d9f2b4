"""Periodic work of the distribution module: the settlement sweeper (commissions past their
after-sales window whose per-line timer was lost) and the ledger reconciliation."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from runtime.jobs import for_each_shop
from runtime.modules.distribution import commissions, ledger
from runtime.modules.switches import is_enabled

log = logging.getLogger(__name__)


def settle_shop(session: Session) -> int:
    if not is_enabled(session, "distribution"):
        return 0
    return commissions.settle_due(session)


def settle_sweeper() -> dict[int, Any]:
    return for_each_shop(settle_shop, "distribution settlement")


def reconcile_shop(session: Session) -> dict[str, list[int]]:
    """Log (as an error) every distributor or commission out of step with the ledger."""
    found = ledger.reconcile(session)
    if not found.ok:
        log.error("distribution ledger out of step", extra={
            "distributors": found.distributors, "commissions": found.commissions})
    return {"distributors": found.distributors, "commissions": found.commissions}


def reconcile_job() -> dict[int, Any]:
    return for_each_shop(reconcile_shop, "distribution reconciliation")
