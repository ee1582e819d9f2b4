"""pointsmall: exchangeable items, exchanges

Revision ID: 0021_pointsmall
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0021_pointsmall'
down_revision = '0001_platform'
branch_labels = ('pointsmall',)
depends_on = ('0003_catalog', '0007_members', '0011_orders')

TENANT_TABLES = ['pointsmall_items', 'pointsmall_exchanges']


def upgrade() -> None:
    op.create_table('pointsmall_items',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('exchanged', sa.Integer(), nullable=False),
    sa.Column('limit_per_member', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cash_fen >= 0', name=op.f('ck_pointsmall_items_cash_nonnegative')),
    sa.CheckConstraint('limit_per_member >= 0', name=op.f('ck_pointsmall_items_limit_nonnegative')),
    sa.CheckConstraint('points >= 1', name=op.f('ck_pointsmall_items_points_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_pointsmall_items_stock_nonnegative')),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_pointsmall_items_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_pointsmall_items_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_skus.id'], name=op.f('fk_pointsmall_items_sku_id_catalog_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pointsmall_items')),
    sa.UniqueConstraint('shop_id', 'sku_id', name=op.f('uq_pointsmall_items_shop_id_sku_id'))
    )
    with op.batch_alter_table('pointsmall_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pointsmall_items_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_pointsmall_items_shop_id_status_sort', ['shop_id', 'status', 'sort', 'id'], unique=False)

    op.create_table('pointsmall_exchanges',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('cash_fen', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('returned_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.String(length=20), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['pointsmall_items.id'], name=op.f('fk_pointsmall_exchanges_item_id_pointsmall_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_pointsmall_exchanges_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_pointsmall_exchanges_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_pointsmall_exchanges_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pointsmall_exchanges')),
    sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_pointsmall_exchanges_shop_id_order_id'))
    )
    with op.batch_alter_table('pointsmall_exchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pointsmall_exchanges_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_pointsmall_exchanges_shop_id_id', ['shop_id', 'id'], unique=False)
        batch_op.create_index('ix_pointsmall_exchanges_shop_id_member_item', ['shop_id', 'member_id', 'item_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('pointsmall_exchanges', schema=None) as batch_op:
        batch_op.drop_index('ix_pointsmall_exchanges_shop_id_member_item')
        batch_op.drop_index('ix_pointsmall_exchanges_shop_id_id')
        batch_op.drop_index(batch_op.f('ix_pointsmall_exchanges_shop_id'))

    op.drop_table('pointsmall_exchanges')
    with op.batch_alter_table('pointsmall_items', schema=None) as batch_op:
        batch_op.drop_index('ix_pointsmall_items_shop_id_status_sort')
        batch_op.drop_index(batch_op.f('ix_pointsmall_items_shop_id'))

    op.drop_table('pointsmall_items')
