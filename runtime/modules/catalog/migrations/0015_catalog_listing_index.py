"""catalog: an index serving the shopper product list's default order

Revision ID: 0015_catalog_listing_index
Revises: 0014_catalog_import
"""

from alembic import op

revision = '0015_catalog_listing_index'
down_revision = '0014_catalog_import'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_catalog_products_listing', 'catalog_products',
                    ['shop_id', 'status', 'sort_weight', 'id'])


def downgrade() -> None:
    op.drop_index('ix_catalog_products_listing', table_name='catalog_products')
