"""catalog: categories, tags, groups, products, SKUs, stock ledger, search

Revision ID: 0003_catalog
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0003_catalog'
down_revision = '0001_platform'
branch_labels = ('catalog',)
depends_on = None

TENANT_TABLES = ['catalog_categories', 'catalog_tags', 'catalog_groups', 'catalog_products', 'catalog_group_products', 'catalog_product_tags', 'catalog_search', 'catalog_skus', 'catalog_stock_ledger', 'catalog_stock_reservations']


def _create_search_index() -> None:
    """SQLite: an FTS5 table mirrored from catalog_search by triggers.
    PostgreSQL: a GIN full-text index over the pre-cut tokens (no text-search parser)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_catalog_search_tsv ON catalog_search USING GIN "
                   "(array_to_tsvector(string_to_array(tokens, ' ')))")
        return
    op.execute("CREATE VIRTUAL TABLE catalog_search_fts USING fts5(tokens, "
               "content='catalog_search', content_rowid='id', tokenize='unicode61')")
    op.execute("CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_search BEGIN "
               "INSERT INTO catalog_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END")
    op.execute("CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_search BEGIN "
               "INSERT INTO catalog_search_fts(catalog_search_fts, rowid, tokens) "
               "VALUES ('delete', old.id, old.tokens); END")
    op.execute("CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_search BEGIN "
               "INSERT INTO catalog_search_fts(catalog_search_fts, rowid, tokens) "
               "VALUES ('delete', old.id, old.tokens); "
               "INSERT INTO catalog_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END")


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_catalog_search_tsv")
        return
    for trigger in ("catalog_search_ai", "catalog_search_ad", "catalog_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS catalog_search_fts")


def _make_ledger_append_only() -> None:
    """Ledger rows are never rewritten: an UPDATE is refused by the database itself."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION catalog_stock_ledger_no_update() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION 'catalog_stock_ledger is append-only'; END $$")
        op.execute("CREATE TRIGGER catalog_stock_ledger_append_only BEFORE UPDATE "
                   "ON catalog_stock_ledger FOR EACH ROW "
                   "EXECUTE FUNCTION catalog_stock_ledger_no_update()")
        return
    op.execute("CREATE TRIGGER catalog_stock_ledger_append_only BEFORE UPDATE "
               "ON catalog_stock_ledger BEGIN "
               "SELECT RAISE(ABORT, 'catalog_stock_ledger is append-only'); END")


def _drop_ledger_guard() -> None:
    op.execute("DROP TRIGGER IF EXISTS catalog_stock_ledger_append_only"
               + (" ON catalog_stock_ledger" if op.get_bind().dialect.name == "postgresql"
                  else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS catalog_stock_ledger_no_update()")


def upgrade() -> None:
    op.create_table('catalog_categories',
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('icon', sa.JSON(), nullable=True),
    sa.Column('image', sa.JSON(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_visible', sa.Boolean(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['catalog_categories.id'], name=op.f('fk_catalog_categories_parent_id_catalog_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_categories_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_categories'))
    )
    with op.batch_alter_table('catalog_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_categories_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_categories_shop_id'), ['shop_id'], unique=False)

    op.create_table('catalog_groups',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_groups_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_groups'))
    )
    with op.batch_alter_table('catalog_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_groups_shop_id'), ['shop_id'], unique=False)

    op.create_table('catalog_tags',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_tags_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_tags')),
    sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_catalog_tags_shop_id_name'))
    )
    with op.batch_alter_table('catalog_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_tags_shop_id'), ['shop_id'], unique=False)

    op.create_table('catalog_products',
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('subtitle', sa.String(length=200), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('images', sa.JSON(), nullable=False),
    sa.Column('video', sa.JSON(), nullable=True),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('specs', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('on_sale_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('off_sale_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sales_count', sa.Integer(), nullable=False),
    sa.Column('sales_base', sa.Integer(), nullable=False),
    sa.Column('limit_per_order', sa.Integer(), nullable=True),
    sa.Column('limit_per_customer', sa.Integer(), nullable=True),
    sa.Column('min_price_fen', sa.Integer(), nullable=False),
    sa.Column('max_price_fen', sa.Integer(), nullable=False),
    sa.Column('original_price_fen', sa.Integer(), nullable=True),
    sa.Column('sort_weight', sa.Integer(), nullable=False),
    sa.Column('deleted_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('sales_count >= 0', name=op.f('ck_catalog_products_sales_count_nonnegative')),
    sa.ForeignKeyConstraint(['category_id'], ['catalog_categories.id'], name=op.f('fk_catalog_products_category_id_catalog_categories'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_products_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_products'))
    )
    with op.batch_alter_table('catalog_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_products_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_products_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_catalog_products_shop_id_status', ['shop_id', 'status'], unique=False)
        batch_op.create_index('uq_catalog_products_shop_id_code', ['shop_id', 'code'], unique=True, postgresql_where=sa.text('code IS NOT NULL AND deleted_at IS NULL'), sqlite_where=sa.text('code IS NOT NULL AND deleted_at IS NULL'))

    op.create_table('catalog_group_products',
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['catalog_groups.id'], name=op.f('fk_catalog_group_products_group_id_catalog_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_catalog_group_products_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_group_products_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_group_products')),
    sa.UniqueConstraint('group_id', 'product_id', name=op.f('uq_catalog_group_products_group_id_product_id'))
    )
    with op.batch_alter_table('catalog_group_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_group_products_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_group_products_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_group_products_shop_id'), ['shop_id'], unique=False)

    op.create_table('catalog_product_tags',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tag_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_catalog_product_tags_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_product_tags_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['catalog_tags.id'], name=op.f('fk_catalog_product_tags_tag_id_catalog_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_product_tags')),
    sa.UniqueConstraint('product_id', 'tag_id', name=op.f('uq_catalog_product_tags_product_id_tag_id'))
    )
    with op.batch_alter_table('catalog_product_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_product_tags_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_product_tags_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_product_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('catalog_search',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_catalog_search_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_search_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_search')),
    sa.UniqueConstraint('product_id', name=op.f('uq_catalog_search_product_id'))
    )
    with op.batch_alter_table('catalog_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_search_shop_id'), ['shop_id'], unique=False)

    op.create_table('catalog_skus',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('spec_values', sa.JSON(), nullable=False),
    sa.Column('spec_key', sa.String(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('original_price_fen', sa.Integer(), nullable=True),
    sa.Column('cost_fen', sa.Integer(), nullable=True),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('image', sa.JSON(), nullable=True),
    sa.Column('low_stock_threshold', sa.Integer(), nullable=True),
    sa.Column('retired_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_catalog_skus_price_nonnegative')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_catalog_skus_stock_nonnegative')),
    sa.ForeignKeyConstraint(['product_id'], ['catalog_products.id'], name=op.f('fk_catalog_skus_product_id_catalog_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_skus_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_skus')),
    sa.UniqueConstraint('product_id', 'spec_key', name=op.f('uq_catalog_skus_product_id_spec_key'))
    )
    with op.batch_alter_table('catalog_skus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_skus_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_skus_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('uq_catalog_skus_shop_id_code', ['shop_id', 'code'], unique=True, postgresql_where=sa.text('code IS NOT NULL AND retired_at IS NULL'), sqlite_where=sa.text('code IS NOT NULL AND retired_at IS NULL'))

    op.create_table('catalog_stock_ledger',
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_stock_ledger_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_skus.id'], name=op.f('fk_catalog_stock_ledger_sku_id_catalog_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_stock_ledger')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_catalog_stock_ledger_shop_id_idempotency_key'))
    )
    with op.batch_alter_table('catalog_stock_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_stock_ledger_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_stock_ledger_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_catalog_stock_ledger_sku_id_id', ['sku_id', 'id'], unique=False)

    op.create_table('catalog_stock_reservations',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('released_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('committed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_catalog_stock_reservations_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sku_id'], ['catalog_skus.id'], name=op.f('fk_catalog_stock_reservations_sku_id_catalog_skus'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_stock_reservations')),
    sa.UniqueConstraint('shop_id', 'key', 'sku_id', name=op.f('uq_catalog_stock_reservations_shop_id_key_sku_id'))
    )
    with op.batch_alter_table('catalog_stock_reservations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_stock_reservations_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_stock_reservations_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_stock_reservations_sku_id'), ['sku_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)
    _create_search_index()
    _make_ledger_append_only()


def downgrade() -> None:
    _drop_ledger_guard()
    _drop_search_index()
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table('catalog_stock_reservations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_stock_reservations_sku_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_stock_reservations_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_stock_reservations_key'))

    op.drop_table('catalog_stock_reservations')
    with op.batch_alter_table('catalog_stock_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_catalog_stock_ledger_sku_id_id')
        batch_op.drop_index(batch_op.f('ix_catalog_stock_ledger_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_stock_ledger_product_id'))

    op.drop_table('catalog_stock_ledger')
    with op.batch_alter_table('catalog_skus', schema=None) as batch_op:
        batch_op.drop_index('uq_catalog_skus_shop_id_code', postgresql_where=sa.text('code IS NOT NULL AND retired_at IS NULL'), sqlite_where=sa.text('code IS NOT NULL AND retired_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_catalog_skus_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_skus_product_id'))

    op.drop_table('catalog_skus')
    with op.batch_alter_table('catalog_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_search_shop_id'))

    op.drop_table('catalog_search')
    with op.batch_alter_table('catalog_product_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_product_tags_tag_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_product_tags_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_product_tags_product_id'))

    op.drop_table('catalog_product_tags')
    with op.batch_alter_table('catalog_group_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_group_products_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_group_products_product_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_group_products_group_id'))

    op.drop_table('catalog_group_products')
    with op.batch_alter_table('catalog_products', schema=None) as batch_op:
        batch_op.drop_index('uq_catalog_products_shop_id_code', postgresql_where=sa.text('code IS NOT NULL AND deleted_at IS NULL'), sqlite_where=sa.text('code IS NOT NULL AND deleted_at IS NULL'))
        batch_op.drop_index('ix_catalog_products_shop_id_status')
        batch_op.drop_index(batch_op.f('ix_catalog_products_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_products_category_id'))

    op.drop_table('catalog_products')
    with op.batch_alter_table('catalog_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_tags_shop_id'))

    op.drop_table('catalog_tags')
    with op.batch_alter_table('catalog_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_groups_shop_id'))

    op.drop_table('catalog_groups')
    with op.batch_alter_table('catalog_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_categories_shop_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_categories_parent_id'))

    op.drop_table('catalog_categories')
