"""Points mall (积分商城): the exchangeable items and what exchange orders take and give back.

An exchange is an ordinary order (``activity: {kind: "pointsmall", id}``) priced by this
module's step. When it is created (``order_created``) :func:`take_exchange` takes, in the
order's transaction, the points (through the points ledger, key
``pointsmall-take-<order>``: never below zero) and the item's exchange stock (a conditional
update), after checking the per-member limit with the member's point account locked, so
concurrent exchanges of one member apply one at a time. When the order closes unpaid or is
refunded in full, :func:`give_back` returns both exactly once (the exchange row moves
TAKEN -> RETURNED by a conditional update). A partial refund of a points + cash exchange
returns the points in the share of the money refunded first (:func:`give_back_share`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.media.refs import load_assets, media_url
from runtime.modules.catalog.products import get_sku, skus_of
from runtime.modules.catalog.queries import products_by_ids
from runtime.modules.catalog.serializers import COVER_SIZE
from runtime.modules.points import service as points
from runtime.modules.points.errors import InsufficientPoints
from runtime.modules.points.models import EntryKind
from runtime.modules.pointsmall.errors import (
    ExchangeSoldOut,
    PointsMallErrorCode,
    item_not_found,
)
from runtime.modules.pointsmall.models import (
    ExchangeStatus,
    ItemStatus,
    PointsMallExchange,
    PointsMallItem,
)

MAX_POINTS = 10_000_000
MAX_STOCK = 1_000_000
MAX_CASH_FEN = 100_000_000
ITEM_FIELDS = ("sku_id", "points", "cash_fen", "stock", "limit_per_member", "status", "sort")
KIND = "pointsmall"


def _changed(session: Session) -> None:
    """Pages showing the points mall are rendered again after commit."""
    from runtime.db import current_shop_id
    from runtime.pages.cache import bump_data_version_after_commit

    shop_id = current_shop_id(session)
    assert shop_id is not None
    bump_data_version_after_commit(session, shop_id, KIND)


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, KIND):
        raise NotFound("the points mall is not available in this shop", code="module_disabled")


# --- items (console) ----------------------------------------------------------------------


def _clean(session: Session, data: Mapping[str, Any], item: PointsMallItem | None
           ) -> dict[str, Any]:
    """The item fields of ``data`` checked (all of them for a new item, those present for an
    update); one 422 naming every bad field."""
    if not isinstance(data, Mapping):
        raise ValidationFailed.single("", "an object", "type")
    errors = FieldErrors()
    errors.unknown(data, ITEM_FIELDS)
    creating = item is None
    values: dict[str, Any] = {}
    if creating:
        errors.require(data, ("sku_id", "points"))
    if "sku_id" in data:
        if not creating and data["sku_id"] != item.sku_id:
            errors.add("/sku_id", "an item's SKU cannot change; add another item", "immutable")
        sku_id = errors.integer(data, "sku_id", 1, 2**63 - 1)
        if sku_id is not None and creating:
            try:
                sku = get_sku(session, sku_id)
            except NotFound:
                sku = None
            if sku is None or sku.retired_at is not None:
                errors.add("/sku_id", f"no SKU {sku_id}", "not_found")
            else:
                values.update(sku_id=sku.id, product_id=sku.product_id)
    bounds = {"points": (1, MAX_POINTS), "cash_fen": (0, MAX_CASH_FEN),
              "stock": (0, MAX_STOCK), "limit_per_member": (0, 999),
              "sort": (-100_000, 100_000)}
    for name, (low, high) in bounds.items():
        if name in data:
            value = errors.integer(data, name, low, high)
            if value is not None:
                values[name] = value
    if "status" in data:
        if data["status"] in (ItemStatus.ON.value, ItemStatus.OFF.value):
            values["status"] = data["status"]
        else:
            errors.add("/status", "on or off", "enum")
    errors.raise_if_any()
    return values


def create_item(session: Session, data: Mapping[str, Any]) -> PointsMallItem:
    values = _clean(session, data, None)
    if session.scalar(select(PointsMallItem.id)
                      .where(PointsMallItem.sku_id == values["sku_id"])) is not None:
        raise ValidationFailed.single("/sku_id", "this SKU is in the points mall already",
                                      PointsMallErrorCode.SKU_TAKEN.value)
    item = PointsMallItem(**values)
    session.add(item)
    session.flush()
    _changed(session)
    return item


def update_item(session: Session, item_id: Any, data: Mapping[str, Any]) -> PointsMallItem:
    """Change the fields present; the stock set here is what is left to exchange."""
    item = lock_item(session, item_id)
    for name, value in _clean(session, data, item).items():
        setattr(item, name, value)
    session.flush()
    _changed(session)
    return item


def delete_item(session: Session, item_id: Any) -> None:
    """Only an item nobody exchanged yet can go; otherwise take it off (status off)."""
    item = get_item(session, item_id)
    if session.scalar(select(PointsMallExchange.id)
                      .where(PointsMallExchange.item_id == item.id).limit(1)) is not None:
        raise Conflict("members have exchanged this item; take it off instead",
                       code=PointsMallErrorCode.ITEM_IN_USE.value)
    session.delete(item)
    session.flush()
    _changed(session)


def get_item(session: Session, item_id: Any) -> PointsMallItem:
    item = None
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        item = session.scalar(select(PointsMallItem).where(PointsMallItem.id == item_id))
    if item is None:
        raise item_not_found(item_id)
    return item


def lock_item(session: Session, item_id: Any) -> PointsMallItem:
    get_item(session, item_id)
    item = session.scalar(select(PointsMallItem).where(PointsMallItem.id == item_id)
                          .with_for_update().execution_options(populate_existing=True))
    assert item is not None
    return item


def console_items(session: Session) -> list[PointsMallItem]:
    return list(session.scalars(select(PointsMallItem)
                                .order_by(PointsMallItem.sort.desc(), PointsMallItem.id)))


# --- items (shoppers) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ItemCard:
    """What a shopper sees of an item: the goods, the price in points (+ cash) and how many
    are left (the exchange stock, never more than the SKU's own)."""

    item: PointsMallItem
    title: str
    spec_text: str
    cover: str | None
    price_fen: int
    available: int

    def as_dict(self) -> dict[str, Any]:
        i = self.item
        return {"id": i.id, "product_id": i.product_id, "sku_id": i.sku_id,
                "title": self.title, "spec_text": self.spec_text, "cover": self.cover,
                "points": i.points, "cash_fen": i.cash_fen, "price_fen": self.price_fen,
                "stock": self.available, "sold_out": self.available <= 0,
                "exchanged": i.exchanged, "limit_per_member": i.limit_per_member}


def cards(session: Session, items: Sequence[PointsMallItem],
          visible_only: bool = True) -> list[ItemCard]:
    """Cards of ``items`` whose product is visible (and SKU active); 4 queries however many."""
    products = {p.id: p for p in products_by_ids(session, [i.product_id for i in items],
                                                 visible_only=visible_only)}
    skus = {s.id: s for group in skus_of(session, list(products)).values() for s in group}
    refs = [ref for ref in ([s.image for s in skus.values()]
                            + [p.cover for p in products.values()]) if ref]
    assets = load_assets(session, refs)
    result = []
    for item in items:
        product, sku = products.get(item.product_id), skus.get(item.sku_id)
        if product is None or sku is None:
            continue
        result.append(ItemCard(item, product.title, " ".join(sku.spec_values or []),
                               media_url(sku.image or product.cover, COVER_SIZE,
                                         assets=assets),
                               sku.price_fen, max(min(item.stock, sku.stock), 0)))
    return result


def shop_items(session: Session, limit: int = 100,
               ids: Sequence[int] | None = None) -> list[ItemCard]:
    """The items on offer (status on), highest ``sort`` first."""
    query = select(PointsMallItem).where(PointsMallItem.status == ItemStatus.ON.value)
    if ids is not None:
        query = query.where(PointsMallItem.id.in_(list(ids)))
    items = list(session.scalars(query.order_by(PointsMallItem.sort.desc(), PointsMallItem.id)
                                 .limit(limit)))
    return cards(session, items)


def shop_item(session: Session, item_id: Any) -> ItemCard:
    item = get_item(session, item_id)
    found = cards(session, [item]) if item.status == ItemStatus.ON.value else []
    if not found:
        raise item_not_found(item_id)
    return found[0]


# --- exchanges ----------------------------------------------------------------------------


def exchanged_by(session: Session, member_id: int, item_id: int) -> int:
    """Units of ``item_id`` the member holds through exchanges not given back."""
    return int(session.scalar(select(func.coalesce(func.sum(PointsMallExchange.qty), 0)).where(
        PointsMallExchange.member_id == member_id, PointsMallExchange.item_id == item_id,
        PointsMallExchange.status == ExchangeStatus.TAKEN.value)) or 0)


def check_limit(item: PointsMallItem, held: int, qty: int) -> None:
    if item.limit_per_member and held + qty > item.limit_per_member:
        raise ValidationFailed.single(
            "/items/0/qty", f"at most {item.limit_per_member} per member; "
            f"{max(item.limit_per_member - held, 0)} left for you",
            PointsMallErrorCode.LIMIT_REACHED.value)


def check_offer(session: Session, item: PointsMallItem, member_id: int | None, qty: int
                ) -> None:
    """What a quote can already tell: on offer, stock, the member's limit and points."""
    if item.status != ItemStatus.ON.value:
        raise ValidationFailed.single("/activity/id", "this item is not in the points mall now",
                                      "activity_unavailable")
    if item.stock < qty:
        raise ExchangeSoldOut(item.id, qty, item.stock)
    if member_id is not None:
        check_limit(item, exchanged_by(session, member_id, item.id), qty)
        balance = points.balance_of(session, member_id)
        if balance < item.points * qty:
            raise InsufficientPoints(balance, item.points * qty)


def take_exchange(session: Session, order_id: int, member_id: int, item_id: int,
                  sku_id: int, qty: int, quoted_points: int | None) -> PointsMallExchange:
    """Take what a new exchange order uses (inside its transaction): the member's point
    account is locked first, then the limit is checked, the exchange stock taken by a
    conditional update and the points debited. Raising refuses the order. Idempotent by
    order: a second call returns the first exchange."""
    existing = session.scalar(select(PointsMallExchange)
                              .where(PointsMallExchange.order_id == order_id))
    if existing is not None:
        return existing
    points.account_for_update(session, member_id)
    item = get_item(session, item_id)
    if item.sku_id != sku_id:
        raise ValidationFailed.single("/items/0/sku_id", "not the SKU of this points-mall item",
                                      "activity_sku_mismatch")
    total = item.points * qty
    if quoted_points is not None and quoted_points != total:
        raise Conflict("the item's points changed since the quote; ask for a new quote",
                       code=PointsMallErrorCode.QUOTE_CHANGED.value)
    if item.status != ItemStatus.ON.value:
        raise ValidationFailed.single("/activity/id", "this item is not in the points mall now",
                                      "activity_unavailable")
    check_limit(item, exchanged_by(session, member_id, item.id), qty)
    taken = session.execute(
        update(PointsMallItem).where(PointsMallItem.id == item.id, PointsMallItem.stock >= qty)
        .values(stock=PointsMallItem.stock - qty, exchanged=PointsMallItem.exchanged + qty)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        session.refresh(item)
        raise ExchangeSoldOut(item.id, qty, item.stock)
    points.debit(session, member_id, total, reason="pointsmall_exchange",
                 key=f"pointsmall-take-{order_id}", ref_type="order", ref_id=str(order_id),
                 detail={"item_id": item.id, "qty": qty})
    exchange = PointsMallExchange(order_id=order_id, member_id=member_id, item_id=item.id,
                                  sku_id=sku_id, qty=qty, points=total,
                                  cash_fen=item.cash_fen * qty)
    session.add(exchange)
    session.flush()
    _changed(session)
    return exchange


def _locked_exchange(session: Session, order_id: int) -> PointsMallExchange | None:
    """The order's exchange, read again after its member's point account is locked (so give
    backs of one member apply one at a time)."""
    member_id = session.scalar(select(PointsMallExchange.member_id)
                               .where(PointsMallExchange.order_id == order_id))
    if member_id is None:
        return None
    points.account_for_update(session, member_id)
    return session.scalar(select(PointsMallExchange)
                          .where(PointsMallExchange.order_id == order_id)
                          .execution_options(populate_existing=True))


def give_back_share(session: Session, order_id: int, refund_id: int, *, paid_fen: int,
                    refunded_fen: int) -> int:
    """A partial refund of a points + cash exchange: give back the points in the share of the
    order's money refunded so far (``refunded_fen`` of ``paid_fen``, rounded down, so shares
    never pass the whole), once per refund (key ``pointsmall-return-<order>-<refund>``). The
    rest, and the exchange stock, come back with :func:`give_back` when the order is
    refunded in full. Returns the points given back by this call."""
    if paid_fen <= 0:
        return 0
    exchange = _locked_exchange(session, order_id)
    if exchange is None or exchange.status != ExchangeStatus.TAKEN.value:
        return 0
    due = exchange.points * min(refunded_fen, paid_fen) // paid_fen
    share = due - exchange.returned_points
    if share <= 0:
        return 0
    moved = session.execute(
        update(PointsMallExchange).where(
            PointsMallExchange.id == exchange.id,
            PointsMallExchange.status == ExchangeStatus.TAKEN.value,
            PointsMallExchange.returned_points == exchange.returned_points)
        .values(returned_points=due)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        return 0
    points.credit(session, exchange.member_id, share, reason="pointsmall_return",
                  kind=EntryKind.REFUND, key=f"pointsmall-return-{order_id}-{refund_id}",
                  ref_type="order", ref_id=str(order_id), detail={"reason": "refunded"})
    session.expire(exchange)
    _changed(session)
    return share


def give_back(session: Session, order_id: int, reason: str) -> bool:
    """Return what an exchange order still holds — its points less what partial refunds
    gave back (key ``pointsmall-return-<order>``) and its exchange stock — once: True when
    this call returned them, False when there was nothing (no exchange, or given back
    before)."""
    exchange = _locked_exchange(session, order_id)
    if exchange is None:
        return False
    moved = session.execute(
        update(PointsMallExchange).where(PointsMallExchange.id == exchange.id,
                                         PointsMallExchange.status == ExchangeStatus.TAKEN.value)
        .values(status=ExchangeStatus.RETURNED.value, returned_at=utcnow(),
                return_reason=reason[:20], returned_points=exchange.points)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        return False
    session.execute(
        update(PointsMallItem).where(PointsMallItem.id == exchange.item_id)
        .values(stock=PointsMallItem.stock + exchange.qty,
                exchanged=PointsMallItem.exchanged - exchange.qty)
        .execution_options(synchronize_session=False))
    rest = exchange.points - exchange.returned_points
    if rest:
        points.credit(session, exchange.member_id, rest, reason="pointsmall_return",
                      kind=EntryKind.REFUND, key=f"pointsmall-return-{order_id}",
                      ref_type="order", ref_id=str(order_id), detail={"reason": reason})
    session.expire(exchange)
    _changed(session)
    return True


def member_exchanges(session: Session, member_id: int, *, limit: int = 20,
                     before_id: int | None = None) -> list[PointsMallExchange]:
    query = (select(PointsMallExchange).where(PointsMallExchange.member_id == member_id)
             .order_by(PointsMallExchange.id.desc()).limit(limit))
    if before_id is not None:
        query = query.where(PointsMallExchange.id < before_id)
    return list(session.scalars(query))


def console_exchanges(session: Session, *, page: int = 1, per_page: int = 20,
                      status: str | None = None) -> tuple[list[PointsMallExchange], int]:
    query = select(PointsMallExchange)
    if status in (ExchangeStatus.TAKEN.value, ExchangeStatus.RETURNED.value):
        query = query.where(PointsMallExchange.status == status)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(session.scalars(query.order_by(PointsMallExchange.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total
