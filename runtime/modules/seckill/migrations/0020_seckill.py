"""seckill: slots, activities, activity slots, activity SKUs, seckill orders

Revision ID: 0020_seckill
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0020_seckill'
down_revision = '0001_platform'
branch_labels = ('seckill',)
depends_on = ('0003_catalog', '0007_members', '0011_orders')

TENANT_TABLES = ['seckill_slots', 'seckill_activities', 'seckill_activity_slots',
                 'seckill_skus', 'seckill_orders']
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _common(table: str) -> list:
    return [
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('id', ID, nullable=False),
        sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f(f'fk_{table}_shop_id_shops'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def _fk(table: str, column: str, target: str, ondelete: str = 'CASCADE'):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'],
                                   name=op.f(f'fk_{table}_{column}_{target}'), ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        'seckill_slots',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('start_minute', sa.Integer(), nullable=False),
        sa.Column('end_minute', sa.Integer(), nullable=False),
        *_common('seckill_slots'),
        sa.CheckConstraint('start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute',
                           name=op.f('ck_seckill_slots_within_day')),
        sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_seckill_slots_shop_id_name')))
    op.create_table(
        'seckill_activities',
        sa.Column('title', sa.String(length=40), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('unpaid_timeout_minutes', sa.Integer(), nullable=False),
        *_common('seckill_activities'))
    op.create_index('ix_seckill_activities_shop_id_ends_on', 'seckill_activities',
                    ['shop_id', 'ends_on'])
    op.create_table(
        'seckill_activity_slots',
        sa.Column('activity_id', ID, nullable=False),
        sa.Column('slot_id', ID, nullable=False),
        *_common('seckill_activity_slots'),
        _fk('seckill_activity_slots', 'activity_id', 'seckill_activities'),
        _fk('seckill_activity_slots', 'slot_id', 'seckill_slots', 'RESTRICT'),
        sa.UniqueConstraint('activity_id', 'slot_id',
                            name=op.f('uq_seckill_activity_slots_activity_id_slot_id')))
    op.create_index(op.f('ix_seckill_activity_slots_activity_id'), 'seckill_activity_slots',
                    ['activity_id'])
    op.create_index(op.f('ix_seckill_activity_slots_slot_id'), 'seckill_activity_slots',
                    ['slot_id'])
    op.create_table(
        'seckill_skus',
        sa.Column('activity_id', ID, nullable=False),
        sa.Column('sku_id', ID, nullable=False),
        sa.Column('product_id', ID, nullable=False),
        sa.Column('seckill_price_fen', sa.Integer(), nullable=False),
        sa.Column('total_stock', sa.Integer(), nullable=False),
        sa.Column('stock', sa.Integer(), nullable=False),
        sa.Column('per_order_limit', sa.Integer(), nullable=False),
        sa.Column('per_user_limit', sa.Integer(), nullable=False),
        *_common('seckill_skus'),
        _fk('seckill_skus', 'activity_id', 'seckill_activities'),
        _fk('seckill_skus', 'sku_id', 'catalog_skus'),
        sa.CheckConstraint('stock >= 0', name=op.f('ck_seckill_skus_stock_nonnegative')),
        sa.CheckConstraint('seckill_price_fen >= 0', name=op.f('ck_seckill_skus_price_nonnegative')),
        sa.UniqueConstraint('activity_id', 'sku_id', name=op.f('uq_seckill_skus_activity_id_sku_id')))
    op.create_index(op.f('ix_seckill_skus_activity_id'), 'seckill_skus', ['activity_id'])
    op.create_index(op.f('ix_seckill_skus_product_id'), 'seckill_skus', ['product_id'])
    op.create_table(
        'seckill_orders',
        sa.Column('order_id', ID, nullable=False),
        sa.Column('ticket', sa.String(length=40), nullable=False),
        sa.Column('activity_id', ID, nullable=False),
        sa.Column('seckill_sku_id', ID, nullable=False),
        sa.Column('sku_id', ID, nullable=False),
        sa.Column('member_id', ID, nullable=False),
        sa.Column('qty', sa.Integer(), nullable=False),
        sa.Column('stock_released', sa.Boolean(), nullable=False),
        sa.Column('released_reason', sa.String(length=16), nullable=False),
        sa.Column('released_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
        *_common('seckill_orders'),
        _fk('seckill_orders', 'order_id', 'orders'),
        _fk('seckill_orders', 'activity_id', 'seckill_activities'),
        _fk('seckill_orders', 'seckill_sku_id', 'seckill_skus'),
        sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_seckill_orders_shop_id_order_id')),
        sa.UniqueConstraint('shop_id', 'ticket', name=op.f('uq_seckill_orders_shop_id_ticket')))
    op.create_index(op.f('ix_seckill_orders_activity_id'), 'seckill_orders', ['activity_id'])
    op.create_index('ix_seckill_orders_shop_id_member', 'seckill_orders',
                    ['shop_id', 'seckill_sku_id', 'member_id'])
    for table in TENANT_TABLES:
        op.create_index(op.f(f'ix_{table}_shop_id'), table, ['shop_id'])
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
        op.drop_table(table)
