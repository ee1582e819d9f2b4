"""orders: the marketing activity an order was bought through (kind and id)

Revision ID: 0020_orders_activity
Revises: 0011_orders
"""

from alembic import op
import sqlalchemy as sa


revision = '0020_orders_activity'
down_revision = '0011_orders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column(
            'activity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_index('ix_orders_shop_id_activity', ['shop_id', 'activity_kind',
                                                            'activity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_shop_id_activity')
        batch_op.drop_column('activity_id')
        batch_op.drop_column('activity_kind')
