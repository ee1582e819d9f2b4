"""seckill: partial releases — seckill_orders.released_qty and the seckill_releases ledger
(one row per release, unique by key per shop)

Revision ID: 0021_seckill_releases
Revises: 0020_seckill
"""

import sqlalchemy as sa
from alembic import op

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0021_seckill_releases'
down_revision = '0020_seckill'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('seckill_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_qty', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute("UPDATE seckill_orders SET released_qty = qty WHERE stock_released")
    op.create_table(
        'seckill_releases',
        sa.Column('seckill_order_id', ID, nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('qty', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=16), nullable=False),
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('id', ID, nullable=False),
        sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'],
                                name=op.f('fk_seckill_releases_shop_id_shops'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['seckill_order_id'], ['seckill_orders.id'],
                                name=op.f('fk_seckill_releases_seckill_order_id_seckill_orders'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seckill_releases')),
        sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_seckill_releases_shop_id_key')))
    op.create_index(op.f('ix_seckill_releases_seckill_order_id'), 'seckill_releases',
                    ['seckill_order_id'])
    op.create_index(op.f('ix_seckill_releases_shop_id'), 'seckill_releases', ['shop_id'])
    enable_tenant_rls('seckill_releases')


def downgrade() -> None:
    disable_tenant_rls('seckill_releases')
    op.drop_table('seckill_releases')
    with op.batch_alter_table('seckill_orders', schema=None) as batch_op:
        batch_op.drop_column('released_qty')
