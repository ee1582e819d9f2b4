"""PostgreSQL row-level security for tenant tables: the second wall behind the ORM scoping.

The session sets ``mallkit.shop_id`` and ``mallkit.platform`` per transaction
(``runtime.db``); the policy lets a row through only for the current shop or under a
platform escape. FORCE makes it apply to the table owner too (superusers always bypass).
"""

from __future__ import annotations

from alembic import op

POLICY = "mallkit_tenant_isolation"
CONDITION = ("current_setting('mallkit.platform', true) = 'on' OR "
             "shop_id = NULLIF(current_setting('mallkit.shop_id', true), '')::bigint")


def enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({CONDITION}) WITH CHECK ({CONDITION})")


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
