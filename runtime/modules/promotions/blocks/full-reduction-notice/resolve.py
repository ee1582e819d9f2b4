"""full-reduction-notice: the running full reductions in words (one query for every
instance of the page)."""

from __future__ import annotations

from typing import Any

from runtime.modules.promotions.service import shopper_full_reductions


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = [{"id": r["id"], "name": r["name"], "summary": r["summary"],
              "ends_at": r["ends_at"], "scope": r["scope"]}
             for r in shopper_full_reductions(ctx.session)]
    return {instance.id: {"rules": rules} for instance in batch}
