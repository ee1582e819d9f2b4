"""Catalog (core module): categories, groups, tags, products, specs/SKUs, stock, search,
and import/export (:mod:`.importing`).

Other modules use the services: :mod:`.products` (create/update/read products),
:mod:`.stock` (reserve/release/commit/adjust), :mod:`.queries` (listing, batch reads),
:mod:`.taxonomy` (categories, groups, tags) and :mod:`.serializers` (shopper JSON).
"""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.catalog.models",
    migrations="migrations",
    api=("runtime.modules.catalog.api:catalog_api",),
    console="builder.catalog",
    jobs={
        "catalog-sweep-schedules": "runtime.modules.catalog.jobs:sweep_product_schedules",
        "catalog-reconcile-stock": "runtime.modules.catalog.jobs:reconcile_stock",
        "catalog-import-sweeper": "runtime.modules.catalog.importing.jobs:sweep_catalog_runs",
    },
    hooks=("runtime.modules.catalog.hooks",),
    seeders=("runtime.modules.catalog.demo:seed_demo_catalog",),
    media_references="runtime.modules.catalog.media_refs:find_media_references",
    openapi=("runtime.modules.catalog.api:OPENAPI",),
    cli=("runtime.modules.catalog.importing.cli:catalog_group",),
    tests="tests/catalog",
)
