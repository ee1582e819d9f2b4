"""Bargain JSON for buyers (API, block) and the console: activities with their product,
launches with progress, helpers and share info — a fixed number of queries per call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.media.refs import load_assets, media_url
from runtime.modules.bargain import activities, launches
from runtime.modules.bargain.models import BargainActivity, BargainLaunch, LaunchStatus
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.members.models import Member

COVER_SIZE = 300
STATUS_TEXT = {LaunchStatus.CUTTING: "砍价中", LaunchStatus.FLOOR: "已砍到底价",
               LaunchStatus.BOUGHT: "已购买", LaunchStatus.EXPIRED: "已过期"}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def share_path(launch_id: int) -> str:
    """The mini-program page a shared launch opens."""
    return f"/pages/bargain/launch?id={launch_id}"


def activities_json(session: Session, rows: Sequence[BargainActivity]) -> list[dict[str, Any]]:
    if not rows:
        return []
    products = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_({a.product_id for a in rows})))}
    skus = {s.id: s for s in session.scalars(select(Sku).where(
        Sku.id.in_({a.sku_id for a in rows})))}
    assets = load_assets(session, [p.cover for p in products.values() if p.cover])
    now = utcnow()
    result = []
    for a in rows:
        product, sku = products.get(a.product_id), skus.get(a.sku_id)
        result.append({
            "id": a.id, "title": a.title, "sku_id": a.sku_id,
            "state": activities.window_state(a, now),
            "start_price_fen": a.start_price_fen, "floor_price_fen": a.floor_price_fen,
            "helpers_needed": a.helpers_needed, "launches_per_member": a.launches_per_member,
            "valid_hours": a.valid_hours, "floor_only": a.floor_only, "self_cut": a.self_cut,
            "stock": a.stock, "enabled": a.enabled,
            "starts_at": _iso(a.starts_at), "ends_at": _iso(a.ends_at),
            "product": None if product is None else {
                "id": product.id, "title": product.title,
                "cover": media_url(product.cover, COVER_SIZE, assets=assets),
                "price_fen": sku.price_fen if sku else product.min_price_fen,
                "spec_values": sku.spec_values if sku else []},
        })
    return result


def launches_json(session: Session, rows: Sequence[BargainLaunch], *,
                  viewer_id: int | None = None, helpers: bool = False,
                  shop_slug: str = "") -> list[dict[str, Any]]:
    """Launches with their progress; ``helpers``: each cut with the helper's name and
    avatar; ``viewer_id``: whether the caller launched it or has cut it."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    cuts = launches.cuts_of(session, ids)
    people = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(
        {c.helper_member_id for cs in cuts.values() for c in cs} | {r.member_id for r in rows})
    ))}
    found = {a.id: a for a in session.scalars(select(BargainActivity).where(
        BargainActivity.id.in_({r.activity_id for r in rows})))}
    activity_json = {a["id"]: a for a in activities_json(session, list(found.values()))}
    now = utcnow()
    result = []
    for r in rows:
        status = LaunchStatus.EXPIRED if launches.is_due(r, now) and r.order_id is None \
            else LaunchStatus(r.status)
        total = r.start_price_fen - r.floor_price_fen
        cut = r.start_price_fen - r.price_fen
        launcher = people.get(r.member_id)
        item: dict[str, Any] = {
            "id": r.id, "activity_id": r.activity_id, "status": status.value,
            "status_text": STATUS_TEXT[status], "sku_id": r.sku_id,
            "start_price_fen": r.start_price_fen, "floor_price_fen": r.floor_price_fen,
            "price_fen": r.price_fen, "cut_fen": cut, "left_fen": r.price_fen - r.floor_price_fen,
            "percent": 100 * cut // total if total else 100,
            "helpers_needed": r.helpers_needed, "cuts": r.cuts,
            "helpers_left": r.helpers_needed - r.cuts, "expire_at": _iso(r.expire_at),
            "order_id": r.order_id,
            "launcher": {"nickname": launcher.nickname if launcher else "",
                         "avatar_url": launcher.avatar_url if launcher else ""},
            "activity": activity_json.get(r.activity_id),
            "share": {"path": share_path(r.id),
                      "h5_path": f"/s/{shop_slug}/bargain/launches/{r.id}" if shop_slug else ""},
        }
        if helpers:
            item["helpers"] = [{
                "nickname": people[c.helper_member_id].nickname
                if c.helper_member_id in people else "",
                "avatar_url": people[c.helper_member_id].avatar_url
                if c.helper_member_id in people else "",
                "amount_fen": c.amount_fen, "is_launcher": c.helper_member_id == r.member_id,
                "at": _iso(c.created_at)} for c in cuts[r.id]]
        if viewer_id is not None:
            item["mine"] = r.member_id == viewer_id
            item["helped"] = any(c.helper_member_id == viewer_id for c in cuts[r.id])
        result.append(item)
    return result
