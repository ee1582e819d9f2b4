"""Stock: the service the order module calls, over an append-only ledger.

``Sku.stock`` is what can still be sold; every change to it writes a ledger row whose
``balance`` is the stock after the change. A reservation takes stock for an order under
an idempotency key (``reserve``), gives it back (``release``) or turns it into a sale
(``commit``). Each verb is one transaction's worth of work on the caller's session: the
SKU rows are locked first (ordered by id), every line is checked, then all are written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from runtime.bulk import insert_rows
from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.catalog import locks
from runtime.modules.catalog.effects import on_catalog_changed
from runtime.modules.catalog.errors import (
    CatalogErrorCode,
    InsufficientStock,
    ShortLine,
    not_found,
)
from runtime.modules.catalog.models import (
    Product,
    ReservationStatus,
    Sku,
    StockLedgerEntry,
    StockReservation,
)

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 120


class Reason:
    """Why stock changed, as written in the ledger."""

    INITIAL = "initial"
    SET = "set"
    ADJUST = "adjust"
    RESERVE = "reserve"
    RELEASE = "release"
    RESTOCK = "restock"


@dataclass(frozen=True)
class StockLine:
    sku_id: int
    qty: int


@dataclass(frozen=True)
class Reservation:
    """The lines held under one key; ``created`` is False when the key had been used."""

    key: str
    lines: list[StockReservation]
    created: bool

    @property
    def status(self) -> str:
        statuses = {line.status for line in self.lines}
        return statuses.pop() if len(statuses) == 1 else "mixed"


def _sku_id(sku: int | Sku) -> int:
    return sku.id if isinstance(sku, Sku) else sku


def _check_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed.single("/key", f"a key of 1-{MAX_KEY_LENGTH} characters")
    return key


def _merge_lines(lines: Iterable[StockLine | tuple[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    errors = FieldErrors()
    for i, line in enumerate(lines):
        sku_id, qty = (line.sku_id, line.qty) if isinstance(line, StockLine) else line
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            errors.append(FieldError(f"/lines/{i}/qty", "must be a positive integer"))
            continue
        merged[sku_id] = merged.get(sku_id, 0) + qty
    errors.raise_if_any()
    if not merged:
        raise ValidationFailed.single("/lines", "at least one line is required", "required")
    return merged


def _lock_skus(session: Session, sku_ids: Iterable[int]) -> dict[int, Sku]:
    ids = sorted(set(sku_ids))
    skus = {sku.id: sku for sku in session.scalars(
        locks.skus_for_update(ids).execution_options(populate_existing=True))}
    missing = [i for i in ids if i not in skus]
    if missing:
        raise not_found("SKU", ", ".join(map(str, missing)), CatalogErrorCode.SKU_NOT_FOUND)
    return skus


def _write(session: Session, sku: Sku, delta: int, reason: str, reference: str,
           idempotency_key: str | None) -> StockLedgerEntry:
    """Apply ``delta`` to one locked SKU and append its ledger row (:func:`_write_many`)."""
    return _write_many(session, {sku.id: sku}, {sku.id: delta}, reason, reference,
                       {sku.id: idempotency_key})[0]


def _write_many(session: Session, skus: Mapping[int, Sku], deltas: Mapping[int, int],
                reason: str, reference: str, keys: Mapping[int, str | None]
                ) -> list[StockLedgerEntry]:
    """Apply each SKU's delta to the locked ``skus`` with one conditional UPDATE and append
    their ledger rows with one INSERT (SKU id order), however many SKUs: a SKU the change
    would take below zero raises one :class:`InsufficientStock` naming every such SKU."""
    ids = sorted(deltas)
    change = case(dict(deltas), value=Sku.id)
    balances: dict[int, int] = {sku_id: stock for sku_id, stock in session.execute(
        update(Sku).where(Sku.id.in_(ids), Sku.stock + change >= 0)
        .values(stock=Sku.stock + change).returning(Sku.id, Sku.stock)
        .execution_options(synchronize_session=False))}
    short = [ShortLine(i, -deltas[i], skus[i].stock) for i in ids if i not in balances]
    if short:
        raise InsufficientStock(short)
    for i in ids:
        sku, balance = skus[i], balances[i]
        threshold = sku.low_stock_threshold
        if threshold is not None and balance <= threshold < sku.stock:
            log.warning("low stock: SKU %s of product %s at %s (threshold %s)",
                        sku.id, sku.product_id, balance, threshold)
        set_committed_value(sku, "stock", balance)
    return insert_rows(session, StockLedgerEntry, [
        {"sku_id": i, "product_id": skus[i].product_id, "delta": deltas[i],
         "balance": balances[i], "reason": reason, "reference": reference[:120],
         "idempotency_key": keys[i]} for i in ids], key="sku_id")


# --- reservations -------------------------------------------------------------------------


def reserve(session: Session, sku: int | Sku, qty: int, key: str) -> Reservation:
    """Hold ``qty`` of one SKU under ``key``; repeating the call changes nothing."""
    return reserve_lines(session, [StockLine(_sku_id(sku), qty)], key)


def reserve_lines(session: Session, lines: Sequence[StockLine | tuple[int, int]],
                  key: str) -> Reservation:
    """Hold stock for every line under one key, or nothing: a short line raises one
    :class:`InsufficientStock` naming all short SKUs."""
    key = _check_key(key)
    wanted = _merge_lines(lines)
    skus = _lock_skus(session, wanted)
    existing = list(session.scalars(locks.reservations_for_update(key)))
    if existing:
        held = {r.sku_id: r.qty for r in existing}
        if held != wanted:
            raise Conflict(f"reservation key {key!r} was used for other lines",
                           code=CatalogErrorCode.RESERVATION_KEY_REUSED.value)
        return Reservation(key, existing, created=False)

    return _hold(session, skus, wanted, key)


def reserve_new(session: Session, skus: Mapping[int, Sku],
                lines: Sequence[StockLine | tuple[int, int]], key: str) -> Reservation:
    """:func:`reserve_lines` for a key never used before (a new order's) on SKUs the caller
    has already locked (``locks.skus_for_update``, e.g. with their products for pricing):
    neither a second read of the SKUs nor a look-up of an earlier reservation; the unique
    (key, SKU) index refuses a key that was used after all."""
    key = _check_key(key)
    wanted = _merge_lines(lines)
    missing = [i for i in sorted(wanted) if i not in skus]
    if missing:
        raise not_found("SKU", ", ".join(map(str, missing)), CatalogErrorCode.SKU_NOT_FOUND)
    return _hold(session, skus, wanted, key)


def _hold(session: Session, skus: Mapping[int, Sku], wanted: Mapping[int, int],
          key: str) -> Reservation:
    retired = [sku_id for sku_id in sorted(wanted) if skus[sku_id].retired_at is not None]
    if retired:
        raise Conflict(f"SKU {', '.join(map(str, retired))} is no longer sold",
                       code=CatalogErrorCode.SKU_RETIRED.value, extra={"sku_ids": retired})
    short = [ShortLine(sku_id, qty, skus[sku_id].stock)
             for sku_id, qty in wanted.items() if skus[sku_id].stock < qty]
    if short:
        raise InsufficientStock(short)

    ids = sorted(wanted)
    _write_many(session, skus, {i: -wanted[i] for i in ids}, Reason.RESERVE, key,
                {i: f"reserve:{key}:{i}" for i in ids})
    rows = insert_rows(session, StockReservation, [
        {"key": key, "sku_id": i, "product_id": skus[i].product_id, "qty": wanted[i],
         "status": ReservationStatus.HELD} for i in ids], key="sku_id")
    on_catalog_changed(session, current_shop_id(session))
    return Reservation(key, rows, created=True)


def _reservation_skus(session: Session, key: str) -> list[int]:
    return list(session.scalars(
        select(StockReservation.sku_id).where(StockReservation.key == key)))


def release(session: Session, key: str) -> list[StockReservation]:
    """Give back the stock held under ``key``. Releasing twice, or a key never reserved,
    changes nothing; a key already committed (sold) is refused."""
    key = _check_key(key)
    sku_ids = _reservation_skus(session, key)
    if not sku_ids:
        return []
    skus = _lock_skus(session, sku_ids)
    rows = list(session.scalars(locks.reservations_for_update(key)))
    if any(r.status == ReservationStatus.COMMITTED for r in rows):
        raise Conflict(f"reservation {key!r} is already committed",
                       code=CatalogErrorCode.RESERVATION_COMMITTED.value)
    now = utcnow()
    held = [row for row in rows if row.status == ReservationStatus.HELD]
    if held:
        _write_many(session, skus, {row.sku_id: row.qty for row in held}, Reason.RELEASE, key,
                    {row.sku_id: f"release:{key}:{row.sku_id}" for row in held})
    for row in held:
        row.status, row.released_at = ReservationStatus.RELEASED, now
    session.flush()
    if held:
        on_catalog_changed(session, current_shop_id(session))
    return rows


def commit(session: Session, key: str) -> list[StockReservation]:
    """Turn the stock held under ``key`` into a sale (the order was paid): the stock stays
    taken and the products' sales count grows. Committing twice changes nothing."""
    key = _check_key(key)
    sku_ids = _reservation_skus(session, key)
    if not sku_ids:
        raise not_found("reservation", repr(key), CatalogErrorCode.RESERVATION_NOT_FOUND)
    _lock_skus(session, sku_ids)
    rows = list(session.scalars(locks.reservations_for_update(key)))
    if any(r.status == ReservationStatus.RELEASED for r in rows):
        raise Conflict(f"reservation {key!r} was released",
                       code=CatalogErrorCode.RESERVATION_RELEASED.value)
    now = utcnow()
    sold: dict[int, int] = {}
    for row in rows:
        if row.status == ReservationStatus.HELD:
            row.status, row.committed_at = ReservationStatus.COMMITTED, now
            sold[row.product_id] = sold.get(row.product_id, 0) + row.qty
    session.flush()
    for product_id in sorted(sold):
        session.execute(update(Product).where(Product.id == product_id)
                        .values(sales_count=Product.sales_count + sold[product_id])
                        .execution_options(synchronize_session=False))
    if sold:
        on_catalog_changed(session, current_shop_id(session))
    return rows


# --- direct changes -----------------------------------------------------------------------


def adjust(session: Session, sku: int | Sku, delta: int, reason: str = Reason.ADJUST, *,
           reference: str = "", key: str | None = None) -> StockLedgerEntry:
    """Add (or with a negative ``delta`` remove) stock; never below zero. With a ``key``,
    repeating the call returns the first ledger row and changes nothing."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise ValidationFailed.single("/delta", "must be a non-zero integer")
    if not reason or len(reason) > 24:
        raise ValidationFailed.single("/reason", "a reason of 1-24 characters")
    sku_id = _sku_id(sku)
    locked = _lock_skus(session, [sku_id])[sku_id]
    if key is not None:
        _check_key(key)
        previous = session.scalar(select(StockLedgerEntry).where(
            StockLedgerEntry.idempotency_key == f"adjust:{key}"))
        if previous is not None:
            return previous
    if locked.stock + delta < 0:
        raise InsufficientStock([ShortLine(sku_id, -delta, locked.stock)])
    entry = _write(session, locked, delta, reason, reference,
                   None if key is None else f"adjust:{key}")
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return entry


def return_sale(session: Session, sku: int | Sku, qty: int, *, key: str,
                reference: str = "") -> StockLedgerEntry:
    """Goods of a sale came back (an after-sale refund): ``qty`` returns to stock and the
    product's sales count drops by as much (never below zero). Once per ``key``."""
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise ValidationFailed.single("/qty", "must be a positive integer")
    sku_id = _sku_id(sku)
    locked = _lock_skus(session, [sku_id])[sku_id]
    ledger_key = f"restock:{_check_key(key)}"
    previous = session.scalar(select(StockLedgerEntry).where(
        StockLedgerEntry.idempotency_key == ledger_key))
    if previous is not None:
        return previous
    entry = _write(session, locked, qty, Reason.RESTOCK, reference or key, ledger_key)
    session.execute(update(Product).where(Product.id == locked.product_id)
                    .values(sales_count=case((Product.sales_count > qty,
                                              Product.sales_count - qty), else_=0))
                    .execution_options(synchronize_session=False))
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return entry


def set_level(session: Session, sku: int | Sku, quantity: int, reason: str = Reason.SET, *,
              reference: str = "") -> StockLedgerEntry | None:
    """Make the SKU's stock exactly ``quantity`` (a stock take); None when it already is."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValidationFailed.single("/stock", "must be an integer of at least 0")
    sku_id = _sku_id(sku)
    locked = _lock_skus(session, [sku_id])[sku_id]
    delta = quantity - locked.stock
    if delta == 0:
        return None
    entry = _write(session, locked, delta, reason, reference, None)
    session.flush()
    on_catalog_changed(session, current_shop_id(session))
    return entry


# --- reading ------------------------------------------------------------------------------


def ledger(session: Session, sku: int | Sku, limit: int = 100) -> list[StockLedgerEntry]:
    """The SKU's most recent ledger rows, newest first."""
    return list(session.scalars(
        select(StockLedgerEntry).where(StockLedgerEntry.sku_id == _sku_id(sku))
        .order_by(StockLedgerEntry.id.desc()).limit(limit)))


def _is_low() -> Any:
    return and_(Sku.low_stock_threshold.is_not(None), Sku.stock <= Sku.low_stock_threshold)


def low_stock_skus(session: Session) -> list[Sku]:
    """Active SKUs at or under their alert threshold, of products not deleted."""
    return list(session.scalars(
        select(Sku).join(Product, Product.id == Sku.product_id)
        .where(Sku.retired_at.is_(None), Product.deleted_at.is_(None), _is_low())
        .order_by(Sku.stock, Sku.id)))


def low_stock_product_count(session: Session) -> int:
    """How many products have a SKU low on stock: counted by the database, no rows loaded
    (the SKUs read through the partial index of catalog migration 0016)."""
    low = (select(Sku.product_id).join(Product, Product.id == Sku.product_id)
           .where(Sku.retired_at.is_(None), Product.deleted_at.is_(None), _is_low())
           .subquery())
    return session.scalar(select(func.count(func.distinct(low.c.product_id)))) or 0


@dataclass(frozen=True)
class StockLevel:
    total: int  # the active SKUs' stock summed
    low: bool  # one of them is at or under its alert threshold


def stock_levels(session: Session, product_ids: Iterable[int]) -> dict[int, StockLevel]:
    """Each product's stock and low-stock flag (a product without active SKUs has 0, not
    low), in one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Sku.product_id, func.sum(Sku.stock), func.max(case((_is_low(), 1), else_=0)))
        .where(Sku.product_id.in_(ids), Sku.retired_at.is_(None)).group_by(Sku.product_id))
    levels = dict.fromkeys(ids, StockLevel(0, False))
    levels.update({pid: StockLevel(int(total or 0), bool(low)) for pid, total, low in rows})
    return levels


@dataclass(frozen=True)
class LedgerMismatch:
    sku_id: int
    stock: int
    ledger_sum: int
    last_balance: int | None


def reconcile(session: Session) -> list[LedgerMismatch]:
    """SKUs whose stock differs from the sum of their ledger or from its last balance."""
    sums = (select(StockLedgerEntry.sku_id, func.sum(StockLedgerEntry.delta).label("total"),
                   func.max(StockLedgerEntry.id).label("last_id"))
            .group_by(StockLedgerEntry.sku_id).subquery())
    last = select(StockLedgerEntry.balance).where(
        StockLedgerEntry.id == sums.c.last_id).scalar_subquery()
    rows = session.execute(
        select(Sku.id, Sku.stock, func.coalesce(sums.c.total, 0), last)
        .outerjoin(sums, sums.c.sku_id == Sku.id).order_by(Sku.id))
    return [LedgerMismatch(sku_id, stock, int(total), balance)
            for sku_id, stock, total, balance in rows
            if stock != total or (balance is not None and balance != stock)]
