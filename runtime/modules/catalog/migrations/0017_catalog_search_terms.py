"""catalog: PostgreSQL searches a stored term index (catalog_search_terms) kept by a trigger

Under row-level security the planner may use an index only for conditions whose functions are
LEAKPROOF; ``tsvector @@ tsquery`` is not, so the GIN index over ``catalog_search`` was never
used for the app's (non-superuser) role and every search recomputed ``array_to_tsvector`` for
each of the shop's rows. The tokens are stored instead as one row per (shop, term, product),
B-tree indexed: a term is matched with ``=`` or, for a prefix, ``>= AND <`` on ``text`` — all
LEAKPROOF — so each keyword term is an index range scan. A trigger on ``catalog_search`` keeps
the rows in step with every writer (the product service and the bulk import alike).
SQLite keeps its FTS5 table; nothing changes there.

Revision ID: 0017_catalog_search_terms
Revises: 0016_catalog_sort_indexes
"""

from alembic import op

from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0017_catalog_search_terms'
down_revision = '0016_catalog_sort_indexes'
branch_labels = None
depends_on = None

SYNC = """
CREATE FUNCTION catalog_search_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM catalog_search_terms
        WHERE shop_id = OLD.shop_id AND product_id = OLD.product_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO catalog_search_terms (shop_id, term, product_id)
        SELECT DISTINCT NEW.shop_id, term, NEW.product_id
        FROM unnest(string_to_array(NEW.tokens, ' ')) AS term
        WHERE term <> '';
    END IF;
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE TABLE catalog_search_terms (
            shop_id BIGINT NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
            term TEXT COLLATE "C" NOT NULL,
            product_id BIGINT NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
            CONSTRAINT pk_catalog_search_terms PRIMARY KEY (shop_id, term, product_id))""")
    op.execute("CREATE INDEX ix_catalog_search_terms_product ON catalog_search_terms "
               "(shop_id, product_id)")
    enable_tenant_rls("catalog_search_terms")
    op.execute(SYNC)
    op.execute("CREATE TRIGGER catalog_search_terms_sync AFTER INSERT OR UPDATE OF tokens "
               "OR DELETE ON catalog_search FOR EACH ROW "
               "EXECUTE FUNCTION catalog_search_terms_sync()")
    op.execute("""
        INSERT INTO catalog_search_terms (shop_id, term, product_id)
        SELECT DISTINCT shop_id, term, product_id
        FROM catalog_search, unnest(string_to_array(tokens, ' ')) AS term
        WHERE term <> ''""")
    op.execute("DROP INDEX IF EXISTS ix_catalog_search_tsv")
    op.execute("ANALYZE catalog_search_terms")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_catalog_search_tsv ON catalog_search USING GIN "
               "(array_to_tsvector(string_to_array(tokens, ' ')))")
    op.execute("DROP TRIGGER catalog_search_terms_sync ON catalog_search")
    op.execute("DROP FUNCTION catalog_search_terms_sync()")
    disable_tenant_rls("catalog_search_terms")
    op.execute("DROP TABLE catalog_search_terms")
