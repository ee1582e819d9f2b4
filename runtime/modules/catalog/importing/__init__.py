"""Catalog import and export: the .xlsx template, reading the template and Shopify /
WooCommerce product CSVs into product drafts, checking them, writing them in chunks
(all-or-nothing per product; re-imports update by product / SKU code), the error report,
the .xlsx export of the product list, their jobs and ``mallkit catalog import``.

Flow: :mod:`.detect` picks the reader (:mod:`.sheet`, :mod:`.shopify`,
:mod:`.woocommerce`) -> drafts (:mod:`.drafts`) -> :mod:`.validate` -> :mod:`.writer`,
driven by :mod:`.importer`; runs are recorded in :mod:`.models` and started through
:mod:`.service` (console) or :mod:`.cli`.
"""

from __future__ import annotations

from flask import Flask

from runtime.jobs import register_periodic


def init_app(app: Flask) -> None:
    from runtime.modules.catalog.importing import jobs
    from runtime.modules.catalog.importing.cli import catalog_group

    app.cli.add_command(catalog_group)
    register_periodic("catalog-import-sweeper", jobs.sweep_catalog_runs, jobs.SWEEP_EVERY)
