"""The row lock of a seckill release: the order's claim (``seckill_orders``), taken before
its activity SKU's stock is written. On PostgreSQL ``SELECT ... FOR UPDATE``; SQLite ignores
``FOR UPDATE`` and relies on the engine's ``BEGIN IMMEDIATE``, which serialises writers."""

from __future__ import annotations

from sqlalchemy import Select, select

from runtime.modules.seckill.models import SeckillOrder


def claim_for_update(order_id: int) -> Select[tuple[SeckillOrder]]:
    return (select(SeckillOrder).where(SeckillOrder.order_id == order_id).with_for_update()
            .execution_options(populate_existing=True))
