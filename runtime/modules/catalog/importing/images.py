"""After an import: adopt the image URLs it wrote into the media library.

The import writes image cells as ``{"url"}`` references, which are shown as they are at
once. This follow-up turns each into a media asset with ``adopt_external`` (the library
copies the file in the background, retries an unreachable host and gives up quietly) and
points the product and SKU images at it. Only references still holding a URL the import
wrote are swapped, under the catalog's row locks, so an edit made since the import is kept; a
URL the library refuses (a private host) stays a plain URL. Running it twice is harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import ValidationFailed
from runtime.media.service import adopt_external
from runtime.modules.catalog import locks
from runtime.modules.catalog.effects import on_catalog_changed
from runtime.modules.catalog.importing.models import CatalogImport
from runtime.modules.catalog.models import Sku

log = logging.getLogger(__name__)

BATCH = 100
QUEUED, DONE = "queued", "done"


class _Adopter:
    """Adopts each imported URL once; leaves every other reference as it is."""

    def __init__(self, session: Session, urls: set[str]) -> None:
        self.session = session
        self.urls = urls
        self.known: dict[str, int | None] = {}

    def ref(self, ref: Any) -> Any:
        if not isinstance(ref, dict) or set(ref) != {"url"} or ref["url"] not in self.urls:
            return ref
        url = ref["url"]
        if url not in self.known:
            try:
                with self.session.begin_nested():
                    self.known[url] = adopt_external(self.session, url).id
            except ValidationFailed as error:
                log.info("import image %s kept as a URL: %s", url, error.detail)
                self.known[url] = None
        media_id = self.known[url]
        return ref if media_id is None else {"media_id": media_id}


def adopt_import_images(session: Session, import_id: int) -> int:
    """Adopt the image URLs of an import's products (the session is scoped to its shop);
    returns how many references now point at the library. Commits batch by batch."""
    run = session.scalar(select(CatalogImport).where(CatalogImport.id == import_id))
    if run is None or run.images_status == DONE:
        return 0
    ids = sorted(set(run.image_products or []))
    adopter = _Adopter(session, set(run.image_urls or []))
    session.commit()
    swapped = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        skus = list(session.scalars(select(Sku).where(Sku.product_id.in_(batch))
                                    .order_by(Sku.id).with_for_update()))
        products = list(session.scalars(locks.products_for_update(batch)))
        for product in products:
            if product.deleted_at is not None or not product.images:
                continue
            images = [adopter.ref(ref) for ref in product.images]
            changed = sum(a != b for a, b in zip(images, product.images, strict=True))
            if changed:
                product.images = images
                swapped += changed
        for sku in skus:
            if sku.retired_at is None and sku.image:
                image = adopter.ref(sku.image)
                if image != sku.image:
                    sku.image = image
                    swapped += 1
        session.flush()
        if swapped:
            on_catalog_changed(session, run.shop_id)
        session.commit()
    run = session.scalars(select(CatalogImport).where(CatalogImport.id == import_id)
                          .execution_options(populate_existing=True)).one()
    run.images_status = DONE
    session.commit()
    return swapped
