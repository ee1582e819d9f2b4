"""Catalog (core module): categories, groups, tags, products, specs/SKUs, stock, search.

Other modules use the services: :mod:`.products` (create/update/read products),
:mod:`.stock` (reserve/release/commit/adjust), :mod:`.queries` (listing, batch reads),
:mod:`.taxonomy` (categories, groups, tags) and :mod:`.serializers` (shopper JSON).
"""

from __future__ import annotations

from flask import Flask

from runtime.jobs import register_periodic


def init_app(app: Flask) -> None:
    from runtime.demo import register_seeder
    from runtime.media.service import register_reference_finder
    from runtime.modules.catalog import jobs
    from runtime.modules.catalog.api import catalog_api
    from runtime.modules.catalog.demo import seed_demo_catalog
    from runtime.modules.catalog.media_refs import find_media_references

    app.register_blueprint(catalog_api)
    register_periodic("catalog-sweep-schedules", jobs.sweep_product_schedules,
                      jobs.SWEEP_EVERY)
    register_periodic("catalog-reconcile-stock", jobs.reconcile_stock, jobs.RECONCILE_EVERY)
    register_reference_finder("catalog", find_media_references)
    register_seeder("catalog", seed_demo_catalog)
