"""The data the coupon blocks share (strip and coupon centre): the claimable templates as
cards, loaded once per page for every instance. The per-member state (claimed, left) is not
here — the page is cached for everyone — but comes from ``GET .../coupons`` on the client."""

from __future__ import annotations

from typing import Any

from runtime.modules.coupons import service

LOAD_KEY = "coupons.cards"


def cards_for(batch: list[Any], ctx: Any, limit_of: Any) -> dict[str, Any]:
    """``{instance id: {"coupons": [...], "api": ...}}``; instances with ``source:
    manual`` show their picks in order, the others the newest claimable ones."""
    session = ctx.session
    cache = ctx.loads.setdefault(LOAD_KEY, {})
    picked = sorted({i for inst in batch if inst.settings.get("source") == "manual"
                     for i in inst.settings.get("coupon_ids", [])})
    if "all" not in cache and any(inst.settings.get("source") != "manual" for inst in batch):
        cache["all"] = service.coupon_cards(session, service.claimable(session))
    if picked and not set(picked) <= set(cache.get("picked", {})):
        cache["picked"] = {c["id"]: c for c in service.coupon_cards(
            session, service.claimable(session, picked))}
    api = f"/api/v1/shops/{ctx.shop.slug}"
    out = {}
    for inst in batch:
        if inst.settings.get("source") == "manual":
            chosen = [cache["picked"][i] for i in inst.settings.get("coupon_ids", [])
                      if i in cache.get("picked", {})]
        else:
            chosen = cache.get("all", [])
        out[inst.id] = {"api": api, "coupons": [{**c, "claimed": False}
                                                for c in chosen[:limit_of(inst)]]}
    return out
