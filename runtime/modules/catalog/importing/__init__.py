"""Catalog import and export: the .xlsx template, reading the template and Shopify /
WooCommerce product CSVs into product drafts, checking them, writing them in chunks
(all-or-nothing per product; re-imports update by product / SKU code), the error report,
the .xlsx export of the product list, their jobs and ``mallkit catalog import``.

Flow: :mod:`.detect` picks the reader (:mod:`.sheet`, :mod:`.shopify`,
:mod:`.woocommerce`) -> drafts (:mod:`.drafts`) -> :mod:`.validate` -> :mod:`.writer`,
driven by :mod:`.importer`; runs are recorded in :mod:`.models` and started through
:mod:`.service` (console) or :mod:`.cli`.
"""
