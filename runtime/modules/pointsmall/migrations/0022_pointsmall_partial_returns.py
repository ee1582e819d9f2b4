"""pointsmall: partial returns — pointsmall_exchanges.returned_points (what partial refunds
gave back before the whole order is refunded or closed)

Revision ID: 0022_pointsmall_partial_returns
Revises: 0021_pointsmall
"""

import sqlalchemy as sa
from alembic import op

revision = '0022_pointsmall_partial_returns'
down_revision = '0021_pointsmall'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pointsmall_exchanges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_points', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('pointsmall_exchanges', schema=None) as batch_op:
        batch_op.drop_column('returned_points')
