"""groupbuy: activities, their SKUs, groups and group-buy orders

Revision ID: 0019_groupbuy
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0019_groupbuy'
down_revision = '0001_platform'
branch_labels = ('groupbuy',)
depends_on = ('0011_orders',)

TENANT_TABLES = ['groupbuy_activities', 'groupbuy_skus', 'groupbuy_groups', 'groupbuy_orders']


def upgrade() -> None:
    op.create_table('groupbuy_activities',
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('valid_hours', sa.Integer(), nullable=False),
    sa.Column('starts_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('allow_single_buy', sa.Boolean(), nullable=False),
    sa.Column('per_order_limit', sa.Integer(), nullable=False),
    sa.Column('per_user_limit', sa.Integer(), nullable=False),
    sa.Column('virtual_enabled', sa.Boolean(), nullable=False),
    sa.Column('virtual_min_pct', sa.Integer(), nullable=False),
    sa.Column('on_target_full', sa.String(length=12), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('group_size >= 2 and group_size <= 100', name=op.f('ck_groupbuy_activities_group_size_range')),
    sa.CheckConstraint('virtual_min_pct >= 0 and virtual_min_pct <= 100', name=op.f('ck_groupbuy_activities_virtual_min_pct_range')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_groupbuy_activities_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupbuy_activities'))
    )
    with op.batch_alter_table('groupbuy_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupbuy_activities_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_groupbuy_activities_shop_id_product_id', ['shop_id', 'product_id'], unique=False)

    op.create_table('groupbuy_groups',
    sa.Column('activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('leader_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('joined', sa.Integer(), nullable=False),
    sa.Column('virtual', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expire_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('joined >= 0 and joined <= size', name=op.f('ck_groupbuy_groups_joined_range')),
    sa.ForeignKeyConstraint(['activity_id'], ['groupbuy_activities.id'], name=op.f('fk_groupbuy_groups_activity_id_groupbuy_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_groupbuy_groups_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupbuy_groups'))
    )
    with op.batch_alter_table('groupbuy_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupbuy_groups_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_groupbuy_groups_shop_id_activity_id_status', ['shop_id', 'activity_id', 'status'], unique=False)
        batch_op.create_index('ix_groupbuy_groups_status_expire_at', ['status', 'expire_at'], unique=False)

    op.create_table('groupbuy_orders',
    sa.Column('activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('wanted_group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('stock_held', sa.Boolean(), nullable=False),
    sa.Column('joined_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['groupbuy_activities.id'], name=op.f('fk_groupbuy_orders_activity_id_groupbuy_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_groupbuy_orders_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_groupbuy_orders_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupbuy_orders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_groupbuy_orders_order_id'))
    )
    with op.batch_alter_table('groupbuy_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupbuy_orders_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_groupbuy_orders_shop_id_activity_id_member_id', ['shop_id', 'activity_id', 'member_id'], unique=False)
        batch_op.create_index('ix_groupbuy_orders_shop_id_group_id', ['shop_id', 'group_id'], unique=False)

    op.create_table('groupbuy_skus',
    sa.Column('activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_price_fen', sa.Integer(), nullable=False),
    sa.Column('leader_price_fen', sa.Integer(), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('group_price_fen >= 1', name=op.f('ck_groupbuy_skus_group_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_groupbuy_skus_stock_nonnegative')),
    sa.ForeignKeyConstraint(['activity_id'], ['groupbuy_activities.id'], name=op.f('fk_groupbuy_skus_activity_id_groupbuy_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_groupbuy_skus_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groupbuy_skus')),
    sa.UniqueConstraint('activity_id', 'sku_id', name=op.f('uq_groupbuy_skus_activity_id_sku_id'))
    )
    with op.batch_alter_table('groupbuy_skus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groupbuy_skus_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_groupbuy_skus_shop_id'), ['shop_id'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
