"""promotions: limited-time discounts with SKU prices, per-member limits and uses, full
reductions, gift grants

Revision ID: 0021_promotions
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0021_promotions'
down_revision = '0001_platform'
branch_labels = ('promotions',)
depends_on = ('0011_orders',)

TENANT_TABLES = ['promotions_discounts', 'promotions_full_reductions',
                 'promotions_discount_items', 'promotions_discount_uses',
                 'promotions_gift_grants', 'promotions_limits']


def upgrade() -> None:
    op.create_table('promotions_discounts',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('tag', sa.String(length=12), nullable=False),
    sa.Column('starts_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=True),
    sa.Column('closed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_discounts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_discounts'))
    )
    op.create_table('promotions_full_reductions',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('starts_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('condition', sa.String(length=8), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('repeat', sa.Boolean(), nullable=False),
    sa.Column('max_discount_fen', sa.Integer(), nullable=True),
    sa.Column('closed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_full_reductions_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_full_reductions'))
    )
    op.create_table('promotions_discount_items',
    sa.Column('discount_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['discount_id'], ['promotions_discounts.id'], name=op.f('fk_promotions_discount_items_discount_id_promotions_discounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_discount_items_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_discount_items')),
    sa.UniqueConstraint('shop_id', 'discount_id', 'sku_id', name=op.f('uq_promotions_discount_items_shop_id_discount_id_sku_id'))
    )
    op.create_table('promotions_discount_uses',
    sa.Column('discount_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('released_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_discount_uses_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_discount_uses')),
    sa.UniqueConstraint('shop_id', 'order_id', 'discount_id', name=op.f('uq_promotions_discount_uses_shop_id_order_id_discount_id'))
    )
    op.create_table('promotions_gift_grants',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reduction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('points_taken_back', sa.Integer(), nullable=False),
    sa.Column('coupon_ids', sa.JSON(), nullable=False),
    sa.Column('revoked_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_gift_grants_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_gift_grants')),
    sa.UniqueConstraint('shop_id', 'order_id', 'reduction_id', name=op.f('uq_promotions_gift_grants_shop_id_order_id_reduction_id'))
    )
    op.create_table('promotions_limits',
    sa.Column('discount_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['discount_id'], ['promotions_discounts.id'], name=op.f('fk_promotions_limits_discount_id_promotions_discounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_promotions_limits_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions_limits')),
    sa.UniqueConstraint('shop_id', 'discount_id', 'member_id', name=op.f('uq_promotions_limits_shop_id_discount_id_member_id'))
    )
    op.create_index(op.f('ix_promotions_discounts_shop_id'), 'promotions_discounts', ['shop_id'], unique=False)
    op.create_index('ix_promotions_discounts_shop_id_status', 'promotions_discounts', ['shop_id', 'status'], unique=False)
    op.create_index(op.f('ix_promotions_full_reductions_shop_id'), 'promotions_full_reductions', ['shop_id'], unique=False)
    op.create_index('ix_promotions_full_reductions_shop_id_status', 'promotions_full_reductions', ['shop_id', 'status'], unique=False)
    op.create_index(op.f('ix_promotions_discount_items_shop_id'), 'promotions_discount_items', ['shop_id'], unique=False)
    op.create_index('ix_promotions_discount_items_shop_id_sku_id', 'promotions_discount_items', ['shop_id', 'sku_id'], unique=False)
    op.create_index(op.f('ix_promotions_discount_uses_shop_id'), 'promotions_discount_uses', ['shop_id'], unique=False)
    op.create_index(op.f('ix_promotions_gift_grants_shop_id'), 'promotions_gift_grants', ['shop_id'], unique=False)
    op.create_index(op.f('ix_promotions_limits_shop_id'), 'promotions_limits', ['shop_id'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
