"""PostgreSQL row-level security for tenant tables: the second wall behind the ORM scoping.

The app's role cannot choose what it sees by setting a variable: the shop and the platform
escape are set per transaction by ``mallkit_set_context(key, shop, platform)``, a SECURITY
DEFINER function of the owner role that checks the app's context key (only its SHA-256 is
stored, in the owner's private schema) and seals ``mallkit.shop_id`` / ``mallkit.platform``
with a secret the app role cannot read, bound to the backend and the transaction. The policy
lets a row through only for the sealed shop or a sealed platform escape — so an SQL injection
that runs ``SET mallkit.platform = 'on'`` (or another shop's id) sees nothing at all. The
owner (migrations, backups) sees every row. FORCE makes the policy bind the owner's other
sessions too (superusers and BYPASSRLS roles always bypass it; the app refuses those).
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.engine import Connection

POLICY = "mallkit_tenant_isolation"
CONDITION = "shop_id = (SELECT mallkit_context_shop()) OR (SELECT mallkit_context_platform())"
LEGACY_CONDITION = ("current_setting('mallkit.platform', true) = 'on' OR "
                    "shop_id = NULLIF(current_setting('mallkit.shop_id', true), '')::bigint")

_SEAL = """
    SELECT encode(sha256(convert_to(concat_ws('|', s.secret, pg_backend_pid(),
        extract(epoch FROM transaction_timestamp()), shop, platform), 'UTF8')), 'hex')
    FROM mallkit_private.context_secret s
"""
_SEALED = ("coalesce(current_setting('mallkit.context_seal', true) = mallkit_private.seal("
           "current_setting('mallkit.shop_id', true), current_setting('mallkit.platform', true)"
           "), false)")

CONTEXT_DDL = (
    "CREATE SCHEMA IF NOT EXISTS mallkit_private",
    "REVOKE ALL ON SCHEMA mallkit_private FROM PUBLIC",
    "CREATE TABLE IF NOT EXISTS mallkit_private.context_secret (id int PRIMARY KEY "
    "CHECK (id = 1), secret text NOT NULL)",
    "INSERT INTO mallkit_private.context_secret VALUES (1, gen_random_uuid()::text || "
    "gen_random_uuid()::text) ON CONFLICT (id) DO NOTHING",
    "CREATE TABLE IF NOT EXISTS mallkit_private.context_keys (key_sha256 text PRIMARY KEY, "
    "registered_at timestamptz NOT NULL DEFAULT now())",
    "REVOKE ALL ON ALL TABLES IN SCHEMA mallkit_private FROM PUBLIC",
    f"""CREATE OR REPLACE FUNCTION mallkit_private.seal(shop text, platform text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $${_SEAL}$$""",
    "REVOKE ALL ON FUNCTION mallkit_private.seal(text, text) FROM PUBLIC",
    """CREATE OR REPLACE FUNCTION public.mallkit_set_context(key text, shop bigint,
            platform boolean) RETURNS boolean
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$
        DECLARE
            shop_text text := coalesce(shop::text, '');
            platform_text text := CASE WHEN platform THEN 'on' ELSE 'off' END;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM mallkit_private.context_keys
                           WHERE key_sha256 = encode(sha256(convert_to(key, 'UTF8')), 'hex'))
            THEN
                RAISE EXCEPTION 'mallkit: this database does not know the app''s context key'
                    USING HINT = 'run `mallkit db upgrade` with the migration role';
            END IF;
            PERFORM set_config('mallkit.shop_id', shop_text, true);
            PERFORM set_config('mallkit.platform', platform_text, true);
            PERFORM set_config('mallkit.context_seal',
                               mallkit_private.seal(shop_text, platform_text), true);
            RETURN true;
        END $$""",
    f"""CREATE OR REPLACE FUNCTION public.mallkit_context_shop() RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT CASE WHEN {_SEALED} THEN
               NULLIF(current_setting('mallkit.shop_id', true), '')::bigint END $$""",
    f"""CREATE OR REPLACE FUNCTION public.mallkit_context_platform() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT session_user = current_user
               OR (current_setting('mallkit.platform', true) = 'on' AND {_SEALED}) $$""",
)


def ensure_context_functions(connection: Connection) -> None:
    """Create (or refresh) the owner's context functions; idempotent, PostgreSQL only."""
    for statement in CONTEXT_DDL:
        connection.exec_driver_sql(statement)


def enable_tenant_rls(table: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    ensure_context_functions(bind)
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({CONDITION}) WITH CHECK ({CONDITION})")


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def policy_tables(connection: Connection) -> list[str]:
    """Every table carrying the tenant policy (the platform's and every module's)."""
    return list(connection.exec_driver_sql(
        "SELECT tablename FROM pg_policies WHERE policyname = %s ORDER BY tablename",
        (POLICY,)).scalars())


def set_policy_condition(connection: Connection, condition: str) -> None:
    for table in policy_tables(connection):
        connection.exec_driver_sql(
            f"ALTER POLICY {POLICY} ON {table} USING ({condition}) WITH CHECK ({condition})")
