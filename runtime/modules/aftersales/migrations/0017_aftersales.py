"""aftersales: requests, their transitions, per-line and per-order refund state

Revision ID: 0017_aftersales
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0017_aftersales'
down_revision = '0001_platform'
branch_labels = ('aftersales',)
depends_on = ('0011_orders',)

TENANT_TABLES = ['aftersale_orders', 'aftersale_lines', 'aftersales', 'aftersale_transitions']


def upgrade() -> None:
    op.create_table('aftersale_orders',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('refund_status', sa.String(length=8), nullable=False),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('open_count', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_aftersale_orders_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_aftersale_orders_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersale_orders')),
    sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_aftersale_orders_shop_id_order_id'))
    )
    op.create_index(op.f('ix_aftersale_orders_shop_id'), 'aftersale_orders', ['shop_id'], unique=False)
    op.create_table('aftersale_lines',
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('open_aftersale_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('refunded_fen', sa.Integer(), nullable=False),
    sa.Column('returned_qty', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['order_lines.id'], name=op.f('fk_aftersale_lines_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_aftersale_lines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_aftersale_lines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersale_lines')),
    sa.UniqueConstraint('shop_id', 'line_id', name=op.f('uq_aftersale_lines_shop_id_line_id'))
    )
    op.create_index(op.f('ix_aftersale_lines_order_id'), 'aftersale_lines', ['order_id'], unique=False)
    op.create_index(op.f('ix_aftersale_lines_shop_id'), 'aftersale_lines', ['shop_id'], unique=False)
    op.create_table('aftersales',
    sa.Column('no', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('initiator', sa.String(length=16), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('freight_fen', sa.Integer(), nullable=False),
    sa.Column('goods_shipped', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('images', sa.JSON(), nullable=False),
    sa.Column('return_address', sa.JSON(), nullable=True),
    sa.Column('return_carrier', sa.String(length=40), nullable=False),
    sa.Column('return_tracking_no', sa.String(length=40), nullable=False),
    sa.Column('reship_carrier', sa.String(length=40), nullable=False),
    sa.Column('reship_tracking_no', sa.String(length=40), nullable=False),
    sa.Column('refund_method', sa.String(length=16), nullable=False),
    sa.Column('refund_no', sa.String(length=32), nullable=False),
    sa.Column('refund_attempts', sa.Integer(), nullable=False),
    sa.Column('alert', sa.String(length=24), nullable=False),
    sa.Column('due_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen >= 0 and freight_fen >= 0', name=op.f('ck_aftersales_amounts_nonnegative')),
    sa.CheckConstraint('qty >= 1', name=op.f('ck_aftersales_qty_positive')),
    sa.ForeignKeyConstraint(['line_id'], ['order_lines.id'], name=op.f('fk_aftersales_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_aftersales_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_aftersales_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersales')),
    sa.UniqueConstraint('no', name=op.f('uq_aftersales_no'))
    )
    op.create_index(op.f('ix_aftersales_line_id'), 'aftersales', ['line_id'], unique=False)
    op.create_index(op.f('ix_aftersales_order_id'), 'aftersales', ['order_id'], unique=False)
    op.create_index(op.f('ix_aftersales_shop_id'), 'aftersales', ['shop_id'], unique=False)
    op.create_index('ix_aftersales_shop_id_member_id_id', 'aftersales', ['shop_id', 'member_id', 'id'], unique=False)
    op.create_index('ix_aftersales_shop_id_status_id', 'aftersales', ['shop_id', 'status', 'id'], unique=False)
    op.create_index('ix_aftersales_status_due_at', 'aftersales', ['status', 'due_at'], unique=False)
    op.create_table('aftersale_transitions',
    sa.Column('aftersale_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('event', sa.String(length=24), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['aftersale_id'], ['aftersales.id'], name=op.f('fk_aftersale_transitions_aftersale_id_aftersales'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_aftersale_transitions_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aftersale_transitions'))
    )
    op.create_index(op.f('ix_aftersale_transitions_aftersale_id'), 'aftersale_transitions', ['aftersale_id'], unique=False)
    op.create_index(op.f('ix_aftersale_transitions_shop_id'), 'aftersale_transitions', ['shop_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
