"""Import and export runs belong to one shop: another shop's session cannot read or write
them (the ORM scoping, and on PostgreSQL row-level security under it)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from runtime.db import CrossShopWrite, use_shop
from runtime.errors import NotFound
from runtime.modules.catalog import exporting
from runtime.modules.catalog.importing import service
from runtime.modules.catalog.importing.models import CatalogImport
from tests.catalog.importing.helpers import import_file, workbook_bytes


def test_runs_are_invisible_to_other_shops(app, shop, factory, session):
    run = import_file(app, shop, workbook_bytes([{"title": "x", "price": "1"}]))
    other = factory.shop(slug="beta")
    use_shop(session, shop.id)
    export = exporting.create_export(session, {})
    session.commit()
    use_shop(session, other.id)
    with pytest.raises(NotFound):
        service.get_import(session, run.id)
    with pytest.raises(NotFound):
        exporting.get_export(session, export.id)
    assert service.recent_imports(session) == [] and exporting.recent_exports(session) == []
    session.add(CatalogImport(shop_id=shop.id, filename="sneaky.xlsx"))
    with pytest.raises(CrossShopWrite):
        session.flush()
    session.rollback()


@pytest.mark.postgres
def test_row_level_security_hides_other_shops_runs(app, shop, factory, session):
    import_file(app, shop, workbook_bytes([{"title": "x", "price": "1"}]))
    other = factory.shop(slug="beta")
    use_shop(session, other.id)
    assert session.execute(text("SELECT count(*) FROM catalog_imports")).scalar() == 0
    use_shop(session, shop.id)
    assert session.execute(text("SELECT count(*) FROM catalog_imports")).scalar() == 1
    session.rollback()
