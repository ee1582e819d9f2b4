"""catalog: an index for every shopper sort (newest, sales, price) and the console's "updated"

Revision ID: 0016_catalog_sort_indexes
Revises: 0015_catalog_listing_index
"""

from alembic import op
import sqlalchemy as sa

revision = '0016_catalog_sort_indexes'
down_revision = '0015_catalog_listing_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_catalog_products_newest', 'catalog_products',
                    ['shop_id', 'status', 'created_at', 'id'])
    op.create_index('ix_catalog_products_sales', 'catalog_products',
                    ['shop_id', 'status', sa.text('(sales_count + sales_base)'), 'id'])
    op.create_index('ix_catalog_products_price', 'catalog_products',
                    ['shop_id', 'status', 'min_price_fen', 'id'])
    op.create_index('ix_catalog_products_updated', 'catalog_products',
                    ['shop_id', 'updated_at', 'id'])


def downgrade() -> None:
    for name in ('updated', 'price', 'sales', 'newest'):
        op.drop_index(f'ix_catalog_products_{name}', table_name='catalog_products')
