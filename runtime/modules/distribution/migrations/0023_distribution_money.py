"""distribution: withdrawals to WeChat change (the transfer bill's number and state) and
levels' upgrade rules (direct referrals, team size, settled commission)

Revision ID: 0023_distribution_money
Revises: 0022_distribution_ledger_idx
"""

import sqlalchemy as sa
from alembic import op

revision = '0023_distribution_money'
down_revision = '0022_distribution_ledger_idx'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('transfer_bill_no', sa.String(length=64),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('transfer_state', sa.String(length=24),
                                      server_default='', nullable=False))
    with op.batch_alter_table('distribution_levels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upgrade_direct', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('upgrade_team', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('upgrade_commission_fen', sa.BigInteger(),
                                      server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('distribution_levels', schema=None) as batch_op:
        batch_op.drop_column('upgrade_commission_fen')
        batch_op.drop_column('upgrade_team')
        batch_op.drop_column('upgrade_direct')
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.drop_column('transfer_state')
        batch_op.drop_column('transfer_bill_no')
