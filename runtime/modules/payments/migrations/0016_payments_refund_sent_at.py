"""payments: when a refund was sent to WeChat Pay (spacing partial refunds a minute apart)

Revision ID: 0016_payments_refund_sent_at
Revises: 0012_payments
"""

from alembic import op
import sqlalchemy as sa

import runtime.db


revision = '0016_payments_refund_sent_at'
down_revision = '0012_payments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', runtime.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
