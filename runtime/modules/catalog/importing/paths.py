"""Where import and export files live under the data directory: named by shop and run id
only, so no user input ever becomes part of a path."""

from __future__ import annotations

from pathlib import Path

from runtime.modules.catalog.importing.models import CatalogExport, CatalogImport

ALLOWED_EXTENSIONS = (".xlsx", ".csv")


def import_dir(data_dir: Path, run: CatalogImport) -> Path:
    return data_dir / "imports" / str(int(run.shop_id)) / str(int(run.id))


def import_source(data_dir: Path, run: CatalogImport) -> Path:
    extension = run.extension if run.extension in ALLOWED_EXTENSIONS else ".bin"
    return import_dir(data_dir, run) / f"source{extension}"


def import_report(data_dir: Path, run: CatalogImport) -> Path:
    return import_dir(data_dir, run) / "report.xlsx"


def export_file(data_dir: Path, export: CatalogExport) -> Path:
    return data_dir / "exports" / str(int(export.shop_id)) / f"products-{int(export.id)}.xlsx"
