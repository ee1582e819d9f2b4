"""Background work of the catalog: scheduled on/off-sale, its sweeper, stock reconciliation."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id, platform_access
from runtime.jobs import for_each_shop, job_session
from runtime.modules.catalog import stock
from runtime.modules.catalog.effects import on_catalog_changed
from runtime.modules.catalog.models import Product

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(minutes=1)
RECONCILE_EVERY = timedelta(hours=1)


def apply_product_schedule(shop_id: int, product_id: int) -> bool:
    """The timer job: apply whatever on/off-sale time of the product is due now."""
    from runtime.modules.catalog.products import apply_due_schedule

    with job_session(shop_id) as session:
        product = session.scalar(select(Product).where(Product.id == product_id)
                                 .with_for_update())
        if product is None or product.deleted_at is not None:
            return False
        changed = apply_due_schedule(product, utcnow())
        session.flush()
        if changed:
            on_catalog_changed(session, shop_id)
        return changed


def due_schedules(session, now) -> list[tuple[int, int]]:
    """``(shop_id, product_id)`` of every product, in any shop, whose timer is due."""
    with platform_access(session, "catalog: sweep due on/off-sale timers"):
        return list(session.execute(
            select(Product.shop_id, Product.id).where(
                Product.deleted_at.is_(None),
                or_(Product.on_sale_at <= now, Product.off_sale_at <= now))
            .order_by(Product.shop_id, Product.id)))


def sweep_product_schedules() -> int:
    """The periodic sweeper: applies timers missed while Redis or the worker was away."""
    with job_session() as session:
        due = due_schedules(session, utcnow())
    applied = 0
    for shop_id, product_id in due:
        try:
            applied += apply_product_schedule(shop_id, product_id)
        except Exception:
            log.exception("catalog: could not apply the schedule of product %s", product_id)
    return applied


def reconcile_stock() -> int:
    """Compare every SKU's stock with its ledger, shop by shop; mismatches are logged."""
    def check(session: Session) -> int:
        mismatches = stock.reconcile(session)
        for mismatch in mismatches:
            log.error("stock ledger mismatch in shop %s: %s", current_shop_id(session), mismatch)
        return len(mismatches)

    return sum(for_each_shop(check, "stock reconciliation").values())
