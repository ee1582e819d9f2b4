"""The commission ledger: every change of a distributor's balances is one keyed entry
written with the distributor row locked, and the row's balances move in step with it.
:func:`reconcile` sums the ledger against the rows and each commission against its entries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.modules.distribution.models import (
    Commission,
    CommissionStatus,
    Distributor,
    LedgerEntry,
)


def lock_distributors(session: Session, member_ids: list[int]) -> dict[int, Distributor]:
    """The distributors of ``member_ids``, locked in id order (``FOR UPDATE``; SQLite holds
    the write lock from ``BEGIN IMMEDIATE``)."""
    rows = session.scalars(select(Distributor).where(Distributor.member_id.in_(set(member_ids)))
                           .order_by(Distributor.id).with_for_update()
                           .execution_options(populate_existing=True))
    return {row.member_id: row for row in rows}


def post(session: Session, distributor: Distributor, kind: str, key: str, *,
         pending: int = 0, available: int = 0, frozen: int = 0, withdrawn: int = 0,
         commission_id: int | None = None, withdrawal_id: int | None = None,
         new_key: bool = False) -> LedgerEntry | None:
    """Move the (locked) distributor's balances and write the entry; None when ``key`` was
    posted before (nothing moves twice). ``new_key``: the key names a row written in this
    transaction, so it cannot have been posted (not looked up; its unique index still holds)."""
    if not new_key and session.scalar(
            select(LedgerEntry.id).where(LedgerEntry.key == key)) is not None:
        return None
    distributor.pending_fen += pending
    distributor.available_fen += available
    distributor.frozen_fen += frozen
    distributor.withdrawn_fen += withdrawn
    entry = LedgerEntry(member_id=distributor.member_id, kind=kind, key=key,
                        commission_id=commission_id, withdrawal_id=withdrawal_id,
                        pending_delta_fen=pending, available_delta_fen=available,
                        frozen_delta_fen=frozen, withdrawn_delta_fen=withdrawn,
                        at=utcnow())
    session.add(entry)
    session.flush()
    return entry


@dataclass
class Reconciliation:
    """What the check found: distributors whose row differs from their ledger, and
    commissions whose entries do not add up to what they say."""

    distributors: list[int] = field(default_factory=list)
    commissions: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.distributors and not self.commissions


def reconcile(session: Session) -> Reconciliation:
    """Each distributor's four balances equal its ledger's sums; each commission's pending
    entries sum to its amount while PENDING (else 0) and its available entries to its
    amount once SETTLED (else 0)."""
    result = Reconciliation()
    e = LedgerEntry
    sums = select(e.member_id, func.sum(e.pending_delta_fen), func.sum(e.available_delta_fen),
                  func.sum(e.frozen_delta_fen), func.sum(e.withdrawn_delta_fen)
                  ).group_by(e.member_id)
    totals = {row[0]: tuple(int(x or 0) for x in row[1:]) for row in session.execute(sums)}
    for d in session.scalars(select(Distributor)):
        if (d.pending_fen, d.available_fen, d.frozen_fen, d.withdrawn_fen) \
                != totals.get(d.member_id, (0, 0, 0, 0)):
            result.distributors.append(d.member_id)
    per_commission = select(
        Commission.id, Commission.status, Commission.amount_fen,
        func.coalesce(func.sum(LedgerEntry.pending_delta_fen), 0),
        func.coalesce(func.sum(LedgerEntry.available_delta_fen), 0),
    ).outerjoin(LedgerEntry, LedgerEntry.commission_id == Commission.id).group_by(
        Commission.id, Commission.status, Commission.amount_fen)
    for cid, status, amount, pending, available in session.execute(per_commission):
        want_pending = amount if status == CommissionStatus.PENDING else 0
        want_available = amount if status == CommissionStatus.SETTLED else 0
        if (int(pending), int(available)) != (want_pending, want_available):
            result.commissions.append(cid)
    return result


def earnings(session: Session, member_id: int) -> dict[str, int]:
    """The distributor centre's figures: 预估 (pending), 可提现 (available), 提现中
    (frozen), 已提现 (withdrawn) and the total settled so far."""
    d = session.scalar(select(Distributor).where(Distributor.member_id == member_id))
    settled = session.scalar(select(func.coalesce(func.sum(case(
        (Commission.status == CommissionStatus.SETTLED, Commission.amount_fen), else_=0)), 0))
        .where(Commission.beneficiary_member_id == member_id)) or 0
    if d is None:
        return {"pending_fen": 0, "available_fen": 0, "frozen_fen": 0, "withdrawn_fen": 0,
                "settled_fen": 0}
    return {"pending_fen": d.pending_fen, "available_fen": d.available_fen,
            "frozen_fen": d.frozen_fen, "withdrawn_fen": d.withdrawn_fen,
            "settled_fen": int(settled)}
