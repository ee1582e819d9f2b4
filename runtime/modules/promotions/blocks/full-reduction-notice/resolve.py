"""full-reduction-notice: the running full reductions in words (one query for every
instance of the page); on a product page (``ctx.params["id"]``) only those whose scope
takes the product."""

from __future__ import annotations

from typing import Any

from runtime.modules.promotions.service import shopper_full_reductions


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    product_id = ctx.params.get("id")
    rules = [{"id": r["id"], "name": r["name"], "summary": r["summary"],
              "ends_at": r["ends_at"], "scope": r["scope"]}
             for r in shopper_full_reductions(
                 ctx.session, product_id=product_id if isinstance(product_id, int) else None)]
    return {instance.id: {"rules": rules} for instance in batch}
