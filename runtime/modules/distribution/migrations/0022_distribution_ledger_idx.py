"""distribution: index the ledger by commission (the reconciliation sums each commission's
entries)

Revision ID: 0022_distribution_ledger_idx
Revises: 0021_distribution
"""

from alembic import op


revision = '0022_distribution_ledger_idx'
down_revision = '0021_distribution'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_distribution_ledger_shop_id_commission_id',
                              ['shop_id', 'commission_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_ledger_shop_id_commission_id')
