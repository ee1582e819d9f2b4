"""catalog: catalog_refresh_statistics(), the owner's ANALYZE of the tables an import fills

Only a table's owner may ANALYZE it; PostgreSQL skips the app role's ANALYZE with a warning,
so after a large import as the app role the planner kept the statistics of an empty catalog
(a shop's 30 000 SKUs estimated at 20 rows, a bitmap scan of all of them for a page of 20
products). This SECURITY DEFINER function of the owner analyses a fixed list of catalog
tables and nothing else: it takes no argument, its search_path is pinned and every table is
schema-qualified. EXECUTE is taken from PUBLIC; ``mallkit db upgrade`` grants it to the app's
role (``runtime.migrate.grant_app_role``: every function of the public schema). SQLite has
no such rule; the importer runs ``PRAGMA optimize`` there.

Revision ID: 0018_catalog_refresh_statistics
Revises: 0017_catalog_search_terms
"""

from alembic import op

revision = '0018_catalog_refresh_statistics'
down_revision = '0017_catalog_search_terms'
branch_labels = None
depends_on = None

TABLES = ('catalog_products', 'catalog_skus', 'catalog_stock_ledger', 'catalog_categories',
          'catalog_tags', 'catalog_product_tags', 'catalog_search', 'catalog_search_terms')


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    tables = ", ".join(f"public.{table}" for table in TABLES)
    op.execute(f"""
        CREATE FUNCTION public.catalog_refresh_statistics() RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ BEGIN ANALYZE {tables}; END $$""")
    op.execute("REVOKE ALL ON FUNCTION public.catalog_refresh_statistics() FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION public.catalog_refresh_statistics()")
