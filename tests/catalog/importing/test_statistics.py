"""After a large import the planner's statistics are refreshed, on PostgreSQL through the
owner's ``catalog_refresh_statistics()``: the app's role may not ANALYZE a table itself (it
is not the owner), and the function lets it analyse the catalog's tables and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from runtime.modules.catalog.importing import importer
from tests.catalog.importing.helpers import import_file, workbook_bytes
from tests.pg_roles import APP_ROLE, OWNER_ROLE

pytestmark = pytest.mark.postgres

CATALOG = ("catalog_products", "catalog_skus", "catalog_stock_ledger", "catalog_categories",
           "catalog_tags", "catalog_product_tags", "catalog_search", "catalog_search_terms")


def _analyses(session: Session, tables: tuple[str, ...]) -> dict[str, int]:
    """How many times each table was analysed by hand (not by autovacuum), read afresh."""
    session.commit()
    session.execute(text("SELECT pg_stat_clear_snapshot()"))
    rows = session.execute(text("SELECT relname, analyze_count FROM pg_stat_user_tables "
                                "WHERE relname = ANY(:tables)"), {"tables": list(tables)})
    return {name: count for name, count in rows}


def test_an_import_as_the_app_role_refreshes_the_catalogs_statistics(
        app, shop, shop_session, monkeypatch):
    assert shop_session.scalar(text("SELECT current_user")) == APP_ROLE
    monkeypatch.setattr(importer, "ANALYZE_AFTER", 30)
    before = _analyses(shop_session, CATALOG)
    rows = [{"product_code": f"S{i:03d}", "title": f"碎花连衣裙 {i}", "category": "女装",
             "tags": "新品", "price": "99", "stock": 5} for i in range(40)]
    run = import_file(app, shop, workbook_bytes(rows), create_categories=True)
    assert (run.status, run.created_count) == ("done", 40)
    after = _analyses(shop_session, CATALOG)
    assert {t: after[t] - before[t] for t in CATALOG} == {t: 1 for t in CATALOG}
    reltuples = shop_session.scalar(text(
        "SELECT reltuples FROM pg_class WHERE oid = 'public.catalog_products'::regclass"))
    assert reltuples >= 40


def test_a_small_import_leaves_the_statistics_alone(app, shop, shop_session):
    before = _analyses(shop_session, ("catalog_products",))
    import_file(app, shop, workbook_bytes([{"product_code": "M1", "title": "马克杯",
                                            "price": "9", "stock": 1}]))
    assert _analyses(shop_session, ("catalog_products",)) == before


def test_the_app_role_analyses_the_catalog_only_through_the_fixed_function(shop_session):
    others = ("memberships", "orders", "catalog_imports")
    before = _analyses(shop_session, CATALOG + others)
    shop_session.execute(text("ANALYZE memberships, catalog_products"))  # skipped: not owner
    assert _analyses(shop_session, CATALOG + others) == before

    importer.refresh_statistics(shop_session)
    after = _analyses(shop_session, CATALOG + others)
    assert {t: after[t] - before[t] for t in CATALOG + others} == {
        **{t: 1 for t in CATALOG}, **{t: 0 for t in others}}

    function = shop_session.execute(text(
        "SELECT pronargs, prosecdef, proconfig, pg_get_userbyid(proowner) FROM pg_proc "
        "WHERE oid = 'public.catalog_refresh_statistics()'::regprocedure")).one()
    assert tuple(function) == (0, True, ["search_path=pg_catalog, pg_temp"], OWNER_ROLE)
    grantees = set(shop_session.scalars(text(
        "SELECT coalesce(pg_get_userbyid(nullif(a.grantee, 0)), 'PUBLIC') FROM pg_proc p, "
        "aclexplode(p.proacl) a WHERE p.oid = 'public.catalog_refresh_statistics()'::regprocedure "
        "AND a.privilege_type = 'EXECUTE'")))
    assert grantees == {OWNER_ROLE, APP_ROLE}
