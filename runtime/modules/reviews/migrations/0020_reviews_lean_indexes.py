"""reviews: three indexes instead of five (the automatic-review sweep inserts into each):
``shop_id`` alone is the leading column of the unique (shop_id, line_id); a member's reviews
are found through their slots (review_slots has (shop_id, member_id)); a product's reviews by
(product_id, created_at) (product ids are unique across shops), which leaves the unique index
the only candidate for a look-up by shop and line (PostgreSQL picked the product index for
the sweep's slot claim while the table's statistics were stale, filtering every row)

Revision ID: 0020_reviews_lean_indexes
Revises: 0019_reviews_open_slots
"""

from alembic import op


revision = '0020_reviews_lean_indexes'
down_revision = '0019_reviews_open_slots'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_shop_id_member_id')
        batch_op.drop_index('ix_reviews_shop_id')
        batch_op.drop_index('ix_reviews_shop_id_product_id_created_at')
        batch_op.create_index('ix_reviews_product_id_created_at', ['product_id', 'created_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_product_id_created_at')
        batch_op.create_index('ix_reviews_shop_id_product_id_created_at',
                              ['shop_id', 'product_id', 'created_at'], unique=False)
        batch_op.create_index('ix_reviews_shop_id', ['shop_id'], unique=False)
        batch_op.create_index('ix_reviews_shop_id_member_id', ['shop_id', 'member_id'],
                              unique=False)
