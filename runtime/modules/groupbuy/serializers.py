"""Group-buy JSON for buyers (API, blocks) and the console: activities with their SKUs and
open groups, groups with their members' avatars and empty seats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.models import Product, Sku
from runtime.modules.groupbuy import activities, groups
from runtime.modules.groupbuy.models import GroupbuyActivity, GroupbuyGroup, GroupbuyOrder
from runtime.modules.members.models import Member

COVER_SIZE = 300


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def share_path(group_id: int) -> str:
    """The mini-program page a shared group opens (also the QR code's target on H5)."""
    return f"/pages/groupbuy/group?id={group_id}"


def activities_json(session: Session, rows: Sequence[GroupbuyActivity], *,
                    open_groups: int = 3, detail: bool = False) -> list[dict[str, Any]]:
    """Activities with their product, prices per SKU and open groups to join, in a fixed
    number of queries however many activities."""
    if not rows:
        return []
    ids = [a.id for a in rows]
    products = {p.id: p for p in session.scalars(select(Product).where(
        Product.id.in_({a.product_id for a in rows})))}
    skus = activities.skus_of(session, ids)
    sku_rows = {s.id: s for s in session.scalars(select(Sku).where(
        Sku.id.in_({r.sku_id for rs in skus.values() for r in rs})))}
    assets = load_assets(session, [p.cover for p in products.values() if p.cover])
    opened = groups.open_groups(session, ids, open_groups) if open_groups else {}
    groups_json = _groups_json(session, [g for gs in opened.values() for g in gs])
    now = utcnow()
    result = []
    for a in rows:
        product = products.get(a.product_id)
        prices = [r.group_price_fen for r in skus[a.id]]
        leaders = [r.leader_price_fen for r in skus[a.id] if r.leader_price_fen]
        item: dict[str, Any] = {
            "id": a.id, "title": a.title, "group_size": a.group_size,
            "badge": f"{a.group_size}人团", "state": activities.window_state(a, now),
            "starts_at": _iso(a.starts_at), "ends_at": _iso(a.ends_at),
            "valid_hours": a.valid_hours, "allow_single_buy": a.allow_single_buy,
            "product": None if product is None else {
                "id": product.id, "title": product.title,
                "cover": media_url(product.cover, COVER_SIZE, assets=assets),
                "price_fen": product.min_price_fen},
            "group_price_fen": min(prices) if prices else None,
            "leader_price_fen": min(leaders) if leaders else None,
            "stock": sum(r.stock for r in skus[a.id]),
            "open_groups": [groups_json[g.id] for g in opened.get(a.id, [])],
        }
        if detail:
            item.update({
                "now": now.isoformat(),
                "per_order_limit": a.per_order_limit, "per_user_limit": a.per_user_limit,
                "skus": [{"sku_id": r.sku_id, "group_price_fen": r.group_price_fen,
                          "leader_price_fen": r.leader_price_fen, "stock": r.stock,
                          "price_fen": sku_rows[r.sku_id].price_fen
                          if r.sku_id in sku_rows else None,
                          "spec_values": sku_rows[r.sku_id].spec_values
                          if r.sku_id in sku_rows else []}
                         for r in skus[a.id]]})
        result.append(item)
    return result


def _groups_json(session: Session, rows: Sequence[GroupbuyGroup]) -> dict[int, dict[str, Any]]:
    members = groups.group_members(session, [g.id for g in rows])
    people = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(
        {r.member_id for rs in members.values() for r in rs})))} if members else {}
    result = {}
    for g in rows:
        seats = [{"nickname": people[r.member_id].nickname if r.member_id in people else "",
                  "avatar_url": people[r.member_id].avatar_url if r.member_id in people else "",
                  "is_leader": r.is_leader} for r in members[g.id]]
        seats += [{"nickname": "", "avatar_url": "", "is_leader": False, "virtual": True}
                  for _ in range(g.virtual)]
        result[g.id] = {
            "id": g.id, "activity_id": g.activity_id, "status": g.status, "size": g.size,
            "joined": g.joined, "virtual": g.virtual,
            "seats_left": max(g.size - g.joined - g.virtual, 0),
            "expire_at": _iso(g.expire_at), "finished_at": _iso(g.finished_at),
            "members": seats, "share_path": share_path(g.id)}
    return result


def group_json(session: Session, group: GroupbuyGroup, member_id: int | None = None
               ) -> dict[str, Any]:
    data = _groups_json(session, [group])[group.id]
    activity = session.get(GroupbuyActivity, group.activity_id)
    assert activity is not None
    data["activity"] = activities_json(session, [activity], open_groups=0)[0]
    data["now"] = utcnow().isoformat()  # countdowns run from the server's clock
    if member_id is not None:
        mine = session.scalar(select(GroupbuyOrder).where(
            GroupbuyOrder.group_id == group.id, GroupbuyOrder.member_id == member_id)
            .order_by(GroupbuyOrder.id.desc()).limit(1))
        data["mine"] = None if mine is None else {"order_id": mine.order_id,
                                                  "status": mine.status,
                                                  "is_leader": mine.is_leader}
    return data


def mine_json(session: Session, rows: Sequence[GroupbuyOrder]) -> list[dict[str, Any]]:
    found = {g.id: g for g in session.scalars(select(GroupbuyGroup).where(
        GroupbuyGroup.id.in_({r.group_id for r in rows if r.group_id})))}
    as_json = _groups_json(session, list(found.values()))
    bought = list(session.scalars(select(GroupbuyActivity).where(
        GroupbuyActivity.id.in_({r.activity_id for r in rows}))))
    about = {a["id"]: a for a in activities_json(session, bought, open_groups=0)}
    return [{"order_id": r.order_id, "activity_id": r.activity_id, "status": r.status,
             "activity": about.get(r.activity_id),
             "status_text": groups.STATUS_TEXT[groups.MemberStatus(r.status)],
             "is_leader": r.is_leader, "qty": r.qty, "unit_price_fen": r.unit_price_fen,
             "group": as_json.get(r.group_id) if r.group_id else None} for r in rows]
