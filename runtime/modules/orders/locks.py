"""Row locks of the money path, always taken in one order to rule out deadlocks:
an order (by id) -> its payment / refund / pickup code -> the catalog's SKUs (taken inside
the stock service, by id). Checkout locks only SKUs: the order it creates is new.

On PostgreSQL these are ``SELECT ... FOR UPDATE``; SQLite ignores ``FOR UPDATE`` and relies
on the engine's ``BEGIN IMMEDIATE``, which already serialises writers.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, select

from runtime.modules.orders.models import Address, Order


def order_for_update(order_id: int) -> Select[tuple[Order]]:
    return select(Order).where(Order.id == order_id).with_for_update()


def order_no_for_update(order_no: str) -> Select[tuple[Order]]:
    return select(Order).where(Order.order_no == order_no).with_for_update()


def orders_for_update(order_ids: Iterable[int]) -> Select[tuple[Order]]:
    return (select(Order).where(Order.id.in_(sorted(set(order_ids))))
            .order_by(Order.id).with_for_update())


def member_addresses_for_update(member_id: int) -> Select[tuple[Address]]:
    """A member's addresses, so two concurrent 'make default' calls cannot leave two."""
    return (select(Address).where(Address.member_id == member_id)
            .order_by(Address.id).with_for_update())
