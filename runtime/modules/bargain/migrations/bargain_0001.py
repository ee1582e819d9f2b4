"""bargain: activities, launches, cuts

Revision ID: bargain_0001
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = 'bargain_0001'
down_revision = '0001_platform'
branch_labels = ('bargain',)
depends_on = ('0003_catalog', '0007_members', '0011_orders')

TENANT_TABLES = ['bargain_activities', 'bargain_launches', 'bargain_cuts']
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


def upgrade() -> None:
    op.create_table('bargain_activities',
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('product_id', ID, nullable=False),
    sa.Column('sku_id', ID, nullable=False),
    sa.Column('start_price_fen', sa.Integer(), nullable=False),
    sa.Column('floor_price_fen', sa.Integer(), nullable=False),
    sa.Column('helpers_needed', sa.Integer(), nullable=False),
    sa.Column('launches_per_member', sa.Integer(), nullable=False),
    sa.Column('valid_hours', sa.Integer(), nullable=False),
    sa.Column('floor_only', sa.Boolean(), nullable=False),
    sa.Column('self_cut', sa.Boolean(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('starts_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    *_common('bargain_activities'),
    sa.CheckConstraint('floor_price_fen >= 1', name=op.f('ck_bargain_activities_floor_positive')),
    sa.CheckConstraint('start_price_fen - floor_price_fen >= helpers_needed', name=op.f('ck_bargain_activities_one_fen_per_cut')),
    sa.CheckConstraint('helpers_needed >= 1 and helpers_needed <= 100', name=op.f('ck_bargain_activities_helpers_needed_range')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_bargain_activities_stock_nonnegative')),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_bargain_activities_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_skus.id'], name=op.f('fk_bargain_activities_sku_id_catalog_skus'), ondelete='CASCADE'),
    )
    with op.batch_alter_table('bargain_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargain_activities_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_bargain_activities_shop_id_ends_at', ['shop_id', 'ends_at'], unique=False)

    op.create_table('bargain_launches',
    sa.Column('activity_id', ID, nullable=False),
    sa.Column('member_id', ID, nullable=False),
    sa.Column('sku_id', ID, nullable=False),
    sa.Column('start_price_fen', sa.Integer(), nullable=False),
    sa.Column('floor_price_fen', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('helpers_needed', sa.Integer(), nullable=False),
    sa.Column('cuts', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('expire_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', ID, nullable=True),
    sa.Column('stock_held', sa.Boolean(), nullable=False),
    *_common('bargain_launches'),
    sa.CheckConstraint('price_fen >= floor_price_fen', name=op.f('ck_bargain_launches_price_above_floor')),
    sa.CheckConstraint('cuts >= 0 and cuts <= helpers_needed', name=op.f('ck_bargain_launches_cuts_range')),
    sa.ForeignKeyConstraint(['activity_id'], ['bargain_activities.id'], name=op.f('fk_bargain_launches_activity_id_bargain_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_bargain_launches_member_id_members'), ondelete='CASCADE'),
    sa.UniqueConstraint('order_id', name=op.f('uq_bargain_launches_order_id')),
    )
    with op.batch_alter_table('bargain_launches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargain_launches_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_bargain_launches_shop_id_activity_id_member_id', ['shop_id', 'activity_id', 'member_id'], unique=False)
        batch_op.create_index('ix_bargain_launches_status_expire_at', ['status', 'expire_at'], unique=False)

    op.create_table('bargain_cuts',
    sa.Column('launch_id', ID, nullable=False),
    sa.Column('helper_member_id', ID, nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('price_after_fen', sa.Integer(), nullable=False),
    *_common('bargain_cuts'),
    sa.CheckConstraint('amount_fen >= 1', name=op.f('ck_bargain_cuts_amount_positive')),
    sa.ForeignKeyConstraint(['launch_id'], ['bargain_launches.id'], name=op.f('fk_bargain_cuts_launch_id_bargain_launches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['helper_member_id'], ['members.id'], name=op.f('fk_bargain_cuts_helper_member_id_members'), ondelete='CASCADE'),
    sa.UniqueConstraint('launch_id', 'helper_member_id', name=op.f('uq_bargain_cuts_launch_id_helper_member_id')),
    )
    with op.batch_alter_table('bargain_cuts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bargain_cuts_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bargain_cuts_launch_id'), ['launch_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
