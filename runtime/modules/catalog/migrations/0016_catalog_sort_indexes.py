"""catalog: an index for every shopper sort (newest, sales, price), the console's "updated",
and the SKUs low on stock

Revision ID: 0016_catalog_sort_indexes
Revises: 0015_catalog_listing_index
"""

from alembic import op
import sqlalchemy as sa

revision = '0016_catalog_sort_indexes'
down_revision = '0015_catalog_listing_index'
branch_labels = None
depends_on = None


LOW_STOCK = ("retired_at IS NULL AND low_stock_threshold IS NOT NULL "
             "AND stock <= low_stock_threshold")


def upgrade() -> None:
    op.create_index('ix_catalog_products_newest', 'catalog_products',
                    ['shop_id', 'status', 'created_at', 'id'])
    op.create_index('ix_catalog_products_sales', 'catalog_products',
                    ['shop_id', 'status', sa.text('(sales_count + sales_base)'), 'id'])
    op.create_index('ix_catalog_products_price', 'catalog_products',
                    ['shop_id', 'status', 'min_price_fen', 'id'])
    op.create_index('ix_catalog_products_updated', 'catalog_products',
                    ['shop_id', 'updated_at', 'id'])
    op.create_index('ix_catalog_skus_low_stock', 'catalog_skus', ['shop_id', 'product_id'],
                    postgresql_where=sa.text(LOW_STOCK), sqlite_where=sa.text(LOW_STOCK))


def downgrade() -> None:
    op.drop_index('ix_catalog_skus_low_stock', table_name='catalog_skus')
    for name in ('updated', 'price', 'sales', 'newest'):
        op.drop_index(f'ix_catalog_products_{name}', table_name='catalog_products')
