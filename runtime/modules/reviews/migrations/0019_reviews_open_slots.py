"""reviews: partial indexes over the open slots (the sweeps no longer walk reviewed ones)

Revision ID: 0019_reviews_open_slots
Revises: 0018_reviews
"""

from alembic import op
import sqlalchemy as sa


revision = '0019_reviews_open_slots'
down_revision = '0018_reviews'
branch_labels = None
depends_on = None

OPEN = sa.text("review_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('review_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_review_slots_review_id_auto_due_at')
        batch_op.create_index('ix_review_slots_open_shop_id_id', ['shop_id', 'id'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_review_slots_open_auto_due_at', ['auto_due_at', 'shop_id'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('review_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_review_slots_open_auto_due_at')
        batch_op.drop_index('ix_review_slots_open_shop_id_id')
        batch_op.create_index('ix_review_slots_review_id_auto_due_at', ['review_id', 'auto_due_at'],
                              unique=False)
