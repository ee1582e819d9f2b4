"""The cart: one per member, or per guest token until the guest logs in and it merges.

Every write locks the cart row first, so two requests of one shopper cannot interleave.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.cart.errors import CartErrorCode
from runtime.modules.cart.fetch import (
    BLOCKING,
    ISSUE_LABELS,
    MAX_QTY,
    CartInfo,
    LineIssue,
    fetch_cart_info,
    load_skus,
)
from runtime.modules.cart.models import Cart, CartLine

MAX_LINES = 100
GUEST_TOKEN_BYTES = 24


@dataclass(frozen=True)
class CartOwner:
    """Whose cart: a member, or a guest identified by a token the client keeps."""

    member_id: int | None = None
    guest_token: str | None = None

    def __post_init__(self) -> None:
        if (self.member_id is None) == (self.guest_token is None):
            raise ValueError("a cart belongs to a member or to a guest token")


def new_guest_token() -> str:
    return secrets.token_urlsafe(GUEST_TOKEN_BYTES)


def _where(owner: CartOwner) -> Any:
    return (Cart.member_id == owner.member_id if owner.member_id is not None
            else Cart.guest_token == owner.guest_token)


def find_cart(session: Session, owner: CartOwner) -> Cart | None:
    return session.scalar(select(Cart).where(_where(owner)))


def _locked_cart(session: Session, owner: CartOwner, create: bool = True) -> Cart | None:
    """The owner's cart row, locked; created (race-safe) when missing."""
    cart = session.scalar(select(Cart).where(_where(owner)).with_for_update())
    if cart is not None or not create:
        return cart
    try:
        with session.begin_nested():
            cart = Cart(member_id=owner.member_id, guest_token=owner.guest_token)
            session.add(cart)
    except IntegrityError:
        cart = None
    return session.scalar(select(Cart).where(_where(owner)).with_for_update())


def get_cart_info(session: Session, owner: CartOwner) -> CartInfo:
    return fetch_cart_info(session, find_cart(session, owner))


def item_count(session: Session, owner: CartOwner) -> int:
    """The pieces in the owner's cart (``count`` of the cart itself), in one query: what a
    cart badge shows."""
    return session.scalar(select(func.coalesce(func.sum(CartLine.qty), 0))
                          .join(Cart, Cart.id == CartLine.cart_id).where(_where(owner))) or 0


def _check_qty(qty: Any, pointer: str = "/qty") -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY:
        raise ValidationFailed.single(pointer, f"a whole number from 1 to {MAX_QTY}")
    return qty


def add_item(session: Session, owner: CartOwner, sku_id: Any, qty: Any) -> CartInfo:
    """Put ``qty`` of a SKU in the cart (adding to a line already there)."""
    if isinstance(sku_id, bool) or not isinstance(sku_id, int):
        raise ValidationFailed.single("/sku_id", "a SKU id is required", "required")
    qty = _check_qty(qty)
    info = load_skus(session, [sku_id]).get(sku_id)
    if info is None:
        raise ValidationFailed.single("/sku_id", f"no SKU {sku_id}", "not_found")
    cart = _locked_cart(session, owner)
    assert cart is not None
    line = session.scalar(select(CartLine).where(CartLine.cart_id == cart.id,
                                                 CartLine.sku_id == sku_id))
    total = qty + (line.qty if line else 0)
    blocking = [i for i in info.issues(min(total, MAX_QTY), utcnow()) if i in BLOCKING]
    if blocking:
        issue = blocking[0]
        raise Conflict(f"{info.title}: {ISSUE_LABELS[issue]}",
                       code=CartErrorCode.LINE_UNAVAILABLE.value,
                       extra={"issues": [str(i) for i in blocking], "sku_id": sku_id,
                              "stock": info.sku.stock})
    if line is None:
        count = len(session.scalars(select(CartLine.id).where(CartLine.cart_id == cart.id))
                    .all())
        if count >= MAX_LINES:
            raise ValidationFailed.single("/sku_id", f"a cart holds at most {MAX_LINES} lines",
                                          "max_items")
        session.add(CartLine(cart_id=cart.id, sku_id=sku_id, product_id=info.product.id,
                             qty=qty, selected=True, added_price_fen=info.sku.price_fen))
    else:
        line.qty = min(total, MAX_QTY)
        line.selected = True
        line.added_price_fen = info.sku.price_fen
    session.flush()
    return fetch_cart_info(session, cart)


def _owned_line(session: Session, cart: Cart | None, line_id: Any) -> CartLine:
    line = None
    if cart is not None and isinstance(line_id, int) and not isinstance(line_id, bool):
        line = session.scalar(select(CartLine).where(CartLine.id == line_id,
                                                     CartLine.cart_id == cart.id))
    if line is None:
        raise NotFound(f"no cart line {line_id}", code=CartErrorCode.CART_LINE_NOT_FOUND.value)
    return line


def update_line(session: Session, owner: CartOwner, line_id: Any, *, qty: Any = None,
                selected: Any = None, accept_price: bool = False) -> CartInfo:
    """Change a line's quantity and/or selection; ``accept_price`` takes the current price
    as the one the shopper has seen (clears the price-changed notice)."""
    errors = FieldErrors()
    if qty is not None:
        try:
            _check_qty(qty)
        except ValidationFailed as exc:
            errors += exc.errors
    if selected is not None and not isinstance(selected, bool):
        errors.append(FieldError("/selected", "must be true or false", "type"))
    errors.raise_if_any()
    cart = _locked_cart(session, owner, create=False)
    line = _owned_line(session, cart, line_id)
    if qty is not None:
        line.qty = qty
    if selected is not None:
        line.selected = selected
    if accept_price:
        info = load_skus(session, [line.sku_id]).get(line.sku_id)
        if info is not None:
            line.added_price_fen = info.sku.price_fen
    session.flush()
    return fetch_cart_info(session, cart)


def remove_lines(session: Session, owner: CartOwner, line_ids: Iterable[Any]) -> CartInfo:
    ids = list(line_ids)
    if not ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ValidationFailed.single("/line_ids", "a non-empty list of cart line ids")
    cart = _locked_cart(session, owner, create=False)
    if cart is not None:
        session.execute(delete(CartLine).where(CartLine.cart_id == cart.id,
                                               CartLine.id.in_(ids))
                        .execution_options(synchronize_session="fetch"))
        session.flush()
    return fetch_cart_info(session, cart)


def remove_unavailable(session: Session, owner: CartOwner) -> CartInfo:
    """清空失效商品: drop every line that cannot be bought."""
    info = get_cart_info(session, owner)
    dead = [li.line.id for li in info.lines if not li.available]
    return remove_lines(session, owner, dead) if dead else info


def select_all(session: Session, owner: CartOwner, selected: Any) -> CartInfo:
    if not isinstance(selected, bool):
        raise ValidationFailed.single("/selected", "must be true or false", "type")
    cart = _locked_cart(session, owner, create=False)
    if cart is not None:
        for line in session.scalars(select(CartLine).where(CartLine.cart_id == cart.id)):
            line.selected = selected
        session.flush()
    return fetch_cart_info(session, cart)


def merge_guest_cart(session: Session, guest_token: str, member_id: int) -> CartInfo:
    """Move a guest's lines into the member's cart (quantities add up, capped) and delete
    the guest cart. Merging the same token twice changes nothing the second time."""
    member_owner = CartOwner(member_id=member_id)
    member_cart = _locked_cart(session, member_owner)
    assert member_cart is not None
    guest = session.scalar(select(Cart).where(Cart.guest_token == guest_token)
                           .with_for_update())
    if guest is None:
        return fetch_cart_info(session, member_cart)
    existing = {line.sku_id: line for line in session.scalars(
        select(CartLine).where(CartLine.cart_id == member_cart.id))}
    for line in session.scalars(select(CartLine).where(CartLine.cart_id == guest.id)
                                .order_by(CartLine.id)):
        mine = existing.get(line.sku_id)
        if mine is not None:
            mine.qty = min(mine.qty + line.qty, MAX_QTY)
            mine.selected = mine.selected or line.selected
        elif len(existing) < MAX_LINES:
            existing[line.sku_id] = CartLine(
                cart_id=member_cart.id, sku_id=line.sku_id, product_id=line.product_id,
                qty=line.qty, selected=line.selected, added_price_fen=line.added_price_fen)
            session.add(existing[line.sku_id])
    session.flush()
    session.delete(guest)
    session.flush()
    return fetch_cart_info(session, member_cart)


def remove_ordered(session: Session, member_id: int, sku_ids: Iterable[int]) -> None:
    """After an order is placed from the cart, its lines leave the cart (one statement)."""
    ids = sorted(set(sku_ids))
    if ids:
        carts = select(Cart.id).where(_where(CartOwner(member_id=member_id)))
        session.execute(delete(CartLine).where(CartLine.cart_id.in_(carts),
                                               CartLine.sku_id.in_(ids))
                        .execution_options(synchronize_session="fetch"))


__all__ = ["CartOwner", "LineIssue", "add_item", "get_cart_info", "merge_guest_cart",
           "new_guest_token", "remove_lines", "remove_ordered", "remove_unavailable",
           "select_all", "update_line"]
