"""``mallkit backup`` / ``mallkit restore`` on the backend under test: backup -> wipe ->
restore gives the same rows, ledger sums and media; an unpaid order restored mid-timeout
still closes; a non-empty database is refused without --force; a damaged backup is refused."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from runtime import backup
from runtime.db import platform_access, use_shop
from runtime.modules.catalog.models import StockLedgerEntry as StockLedger
from runtime.modules.orders.jobs import sweep_unpaid_orders
from runtime.modules.points import service as points
from runtime.modules.points.models import PointEntry
from runtime.modules.wallet import service as wallet
from runtime.modules.wallet.models import WalletEntry
from tests.orders.flow import shopper, sku_of
from tests.wipe import wipe_database


def _ledger_sums(app) -> dict[str, int]:
    with app.extensions["mallkit"].session_factory() as session, \
            platform_access(session, "test: ledger sums"):
        return {
            "stock": session.scalar(select(func.coalesce(func.sum(StockLedger.delta), 0))),
            "points": session.scalar(select(func.coalesce(func.sum(PointEntry.delta), 0))),
            "wallet": session.scalar(select(func.coalesce(
                func.sum(WalletEntry.principal_delta_fen + WalletEntry.bonus_delta_fen), 0))),
        }


def _media_checksums(settings) -> dict[str, str]:
    return backup._checksums(settings.data_dir / backup.MEDIA)


@pytest.fixture
def shop_data(app, client, factory, shop, clock):
    """A product with stock, an image, a member with points and stored value, and an order
    waiting for payment (its close timer is 30 minutes away)."""
    factory.media_image(shop)
    sku = sku_of(factory, shop, factory.product(shop, price_fen=800, stock=5))
    alice = shopper(app, client, factory, shop)
    alice.add_address()
    order = alice.buy(sku.id, 2)
    with app.app_context(), factory._session() as session:
        use_shop(session, shop.id)
        points.credit(session, alice.member.id, 120, reason="test", key="backup-points")
        wallet.adjust(session, alice.member.id, principal_delta_fen=5000, key="backup-wallet")
        session.commit()
    return order


def test_backup_wipe_restore_is_identical_and_the_unpaid_order_still_closes(
        app, settings, shop_data, redis_conn, clock, tmp_path):
    counts, sums = backup.row_counts(app.extensions["mallkit"].engine), _ledger_sums(app)
    media = _media_checksums(settings)
    assert counts["orders"] == 1 and counts["media_assets"] == 1 and len(media) >= 1
    assert sums["points"] == 120 and sums["wallet"] == 5000

    manifest = backup.create_backup(settings, tmp_path / "b")
    assert manifest["tables"] == counts
    assert manifest["backend"] == app.extensions["mallkit"].engine.dialect.name
    assert manifest["schema_revision"]
    assert {f"media/{name}" for name in media} <= set(manifest["files"])

    wipe_database(app.extensions["mallkit"].engine)  # the machine is lost
    shutil.rmtree(settings.data_dir / backup.MEDIA)
    redis_conn.flushdb()
    app.extensions["mallkit"].engine.dispose()
    assert sum(backup.row_counts(app.extensions["mallkit"].engine).values()) == 0

    backup.restore_backup(settings, tmp_path / "b")
    assert backup.row_counts(app.extensions["mallkit"].engine) == counts
    assert _ledger_sums(app) == sums
    assert _media_checksums(settings) == media
    engine = app.extensions["mallkit"].engine
    if engine.dialect.name == "postgresql":  # re-created functions keep their narrow EXECUTE
        with engine.connect() as conn:
            assert conn.scalar(text(
                "SELECT has_function_privilege('public', "
                "'public.catalog_refresh_statistics()', 'EXECUTE')")) is False

    with app.app_context():
        results = backup.rebuild_redis_state()
        assert not [r for r in results.values() if r.startswith("failed")], results
        clock.advance(timedelta(minutes=29))
        assert sweep_unpaid_orders() == 0  # restored mid-timeout: not due yet
        clock.advance(timedelta(minutes=2))
        assert sweep_unpaid_orders() == 1  # the lost timer's work is done by the sweeper
    with app.extensions["mallkit"].session_factory() as session, \
            platform_access(session, "test: order status"):
        from runtime.modules.orders.models import Order
        assert session.get(Order, shop_data["id"]).status == "closed"


def test_restore_refuses_a_database_with_rows_unless_forced(app, settings, shop_data,
                                                            tmp_path):
    backup.create_backup(settings, tmp_path / "b")
    with pytest.raises(backup.BackupError, match=r"not empty.*--force"):
        backup.restore_backup(settings, tmp_path / "b")
    counts = backup.row_counts(app.extensions["mallkit"].engine)
    backup.restore_backup(settings, tmp_path / "b", force=True)
    assert backup.row_counts(app.extensions["mallkit"].engine) == counts


def test_a_damaged_backup_is_refused(app, settings, shop_data, tmp_path):
    manifest = backup.create_backup(settings, tmp_path / "b")
    media_file = next(name for name in manifest["files"] if name.startswith("media/"))
    (tmp_path / "b" / media_file).write_bytes(b"bit rot")
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore_backup(settings, tmp_path / "b", force=True)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.create_backup(settings, tmp_path / "b")


def test_the_cli_backs_up_and_refuses_to_restore_over_rows(app, shop_data, worker_env,
                                                           tmp_path):
    mallkit = [sys.executable, "-m", "runtime.cli"]
    made = subprocess.run([*mallkit, "backup", str(tmp_path / "b")], env=worker_env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "backup in" in made.stdout and "rows in" in made.stdout
    refused = subprocess.run([*mallkit, "restore", str(tmp_path / "b")], env=worker_env,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = subprocess.run([*mallkit, "restore", "--force", str(tmp_path / "b")],
                            env=worker_env, capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0, forced.stderr
    assert "sweeper orders" in forced.stdout or "sweeper " in forced.stdout
