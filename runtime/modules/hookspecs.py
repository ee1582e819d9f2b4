"""The hooks modules implement: the documented contract between orders and everything else.

A module implements only the hooks it needs, as plain functions marked ``@hookimpl`` in a
module named in its ``Module.hooks``::

    from runtime.modules.hookspecs import hookimpl

    @hookimpl
    def order_paid(session, order):
        ...

Hooks are called with keyword arguments and only for modules switched on for the order's shop
(:func:`runtime.modules.loader.hooks`). Unless a hook says otherwise it runs inside the
caller's transaction, so what it writes commits or rolls back with the order; every
implementation must be idempotent by the order (or line, or refund) id, since timers,
sweepers and retried notifications may call it twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pluggy

PROJECT = "mallkit"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# --- checkout -----------------------------------------------------------------------------


@hookspec
def validate_submit(session: Any, submission: Any) -> None:
    """Before an order is written, inside the submit transaction. ``submission`` is the priced
    checkout (member, lines, quote). Refuse by raising a :class:`runtime.errors.DomainError`
    (it becomes the problem+json answer); return nothing to accept."""


@hookspec
def order_created(session: Any, order: Any, lines: list[Any], submission: Any) -> None:
    """The order and its lines are flushed, inside the submit transaction: take what the
    order uses (points, a coupon, activity stock). Raising refuses the whole order."""


# --- payment and after --------------------------------------------------------------------


@hookspec
def take_payment(session: Any, payment: Any, member_id: int) -> bool | None:
    """Payments asks the module holding the money of a non-WeChat method (``wallet``: the
    stored-value balance) to take ``payment.amount_fen`` from the member, inside the
    payment's transaction, idempotent by ``payment.order_id``. The module owning
    ``payment.method`` takes it (raising a :class:`runtime.errors.DomainError`, e.g. 409
    ``insufficient_balance``, when it cannot) and returns True; the others return None."""


@hookspec
def return_payment(session: Any, payment: Any, member_id: int, amount_fen: int,
                   key: str) -> bool | None:
    """Payments asks the module holding the money of a non-WeChat method (``wallet``) to give
    ``amount_fen`` of ``payment`` back to the member, inside the refund's transaction,
    idempotent by ``key`` (the refund's number). The module owning ``payment.method``
    returns True; the others return None."""


@hookspec
def refund_settled(session: Any, refund: Any, payment: Any) -> None:
    """WeChat Pay's final answer for a refund was applied (``refund.status`` is
    ``succeeded``, ``closed`` or ``abnormal``), inside that transaction, after the order is
    locked (``payment_lock``): the module that asked for the refund (after-sales, by
    ``refund.out_refund_no``) acts on it. Called once per change of the refund's status."""


@hookspec
def payment_lock(session: Any, payment: Any) -> None:
    """Before payments locks ``payment`` to change it (a notification, a query answer, a
    refund), inside that transaction: the module owning the payment locks its own row
    (orders: the order), so every flow touching both locks them owner first."""


@hookspec(firstresult=True)
def payment_succeeded(session: Any, payment: Any, by: str) -> bool | None:
    """Payments received money for ``payment`` (a WeChat Pay notification or query, or the
    balance) or accepted cash on delivery (``payment.method == "cod"``, nothing received
    yet), inside the transaction that records it; ``by`` is ``"wechat"``, ``"reconcile"``
    or ``"member"``. The module owning the payment (orders, by ``payment.order_id``) applies
    it: True when it did, False when it cannot any more (the order closed: payments refunds
    the money). Payments calls it once per payment."""


@hookspec(firstresult=True)
def transfer_finished(session: Any, bill: Any) -> bool | None:
    """WeChat Pay finished a merchant transfer (``bill``: a verified
    :class:`runtime.wechat.pay.objects.TransferBill`, SUCCESS or FAIL), inside the
    transaction that records the notification. The module that sent it (by
    ``bill.out_bill_no``) applies it and answers True; None when the number is not its."""


@hookspec
def order_marked_paid(session: Any, order: Any) -> None:
    """The order just became paid (or cash on delivery was accepted), inside that
    transaction: only what must exist the moment it is paid (fulfilment: the pickup code);
    everything slower belongs in ``order_paid``."""


@hookspec
def order_details(session: Any, order: Any, for_merchant: bool) -> dict[str, Any]:
    """What a module adds to an order's detail (buyer's, or the merchant's with
    ``for_merchant``), e.g. fulfilment: ``shipments``, ``pickup``, ``shipping_upload``.
    Read only."""


@hookspec
def order_paid(session: Any, order: Any, lines: list[Any]) -> None:
    """The order became paid (or cash on delivery was accepted). Runs AFTER the commit that
    marked it paid, in its own transaction in the ``order-paid-<shop>-<order>`` job, so a
    slow subscriber never delays the payment notification: member stats, growth, points
    earned, commissions. Skipped when the order closed meanwhile."""


@hookspec
def order_closed(session: Any, order: Any) -> None:
    """The order closed unpaid (buyer cancel, timeout, merchant close), inside the closing
    transaction: give back what ``order_created`` took."""


@hookspec
def points_multiplier(session: Any, order: Any) -> Any:
    """Asked by the points module when it credits a paid order's points (inside the
    ``order_paid`` job): a :class:`~decimal.Decimal` multiplier this module grants the order
    (e.g. a member day's 2 when it was paid on that day), or None. The order earns at the
    highest of these and the member level's multiplier, never their product."""


@hookspec(firstresult=True)
def fulfilment_hold(session: Any, order: Any) -> str | None:
    """Asked before an order ships, goes out for local delivery or is picked up (before
    anything is written): return a reason shown to the merchant (e.g. "拼团未成团") to hold
    it — the first reason refuses with 409 ``fulfilment_held`` — or None."""


@hookspec
def lines_not_to_ship(session: Any, order: Any) -> list[int]:
    """Asked by fulfilment before it ships, dispatches or hands over an order: the ids of
    its lines that are no longer to leave the shop (after-sales: a line refunded in full
    before it was shipped). They are left out of the shipment and do not keep the order
    waiting for them. Read only; every implementation's ids count."""


@hookspec(firstresult=True)
def auto_confirm_hold(session: Any, order: Any) -> str | None:
    """Asked by orders' auto-confirm before it confirms receipt of a shipped order, inside
    that transaction: return a reason (e.g. an open after-sale request) to wait — orders
    asks again later — or None."""


@hookspec
def validate_aftersale(session: Any, order: Any, line: Any, request: Any) -> None:
    """Before an after-sale request (or a merchant refund) of ``line`` is written, inside
    its transaction with the order locked. ``request`` has ``kind``, ``amount_fen``,
    ``qty`` and ``initiator``. Refuse by raising a :class:`runtime.errors.DomainError`
    (e.g. 409 while a group buy is open); return nothing to accept."""


@hookspec
def order_received(session: Any, order: Any) -> None:
    """The buyer confirmed receipt (or auto-confirm did), inside that transaction; after-sales
    windows and commission settlement start from here."""


@hookspec
def order_completed(session: Any, order: Any) -> None:
    """The order completed (after-sales window over), inside that transaction."""


@hookspec
def line_refunded(session: Any, order: Any, line: Any, refund: Any) -> None:
    """Money for (part of) ``line`` was refunded, inside the refund's transaction (fired by
    after-sales when the request completes): reverse what the line earned (points, growth,
    commission) in proportion, and put stock back. ``refund`` has ``id`` (the after-sale
    id), ``amount_fen``, ``order_refunded_fen`` (everything refunded of the order so far,
    this refund included), ``qty`` (the units of the line it covers) and ``restock_qty``
    (goods back in the shop; 0 when they stayed with the buyer); a refund spanning several
    lines calls it once per line with the same ``refund``, so order-level reversals key on
    ``refund.id``."""


@hookspec
def order_refunded(session: Any, order: Any, refund: Any) -> None:
    """Every line of the order is now refunded in full, inside the refund's transaction."""


# --- members ------------------------------------------------------------------------------


@hookspec
def member_event(session: Any, member: Any, event: str) -> None:
    """A member did something worth a reward: ``"signup"``, ``"bind_phone"`` or
    ``"complete_profile"``, inside that transaction; once per member and event."""


@hookspec
def member_imported(session: Any, member: Any, balances: dict[str, int], key: str) -> bool | None:
    """A member import row carries opening balances (``{"points": 120, "balance_fen": 5000}``),
    inside the row's savepoint: the module owning a kind credits it once under
    ``<key>-<kind>`` and returns True when that changed something."""


@hookspec
def member_balances(session: Any, member_ids: list[int]) -> dict[str, dict[int, Any]]:
    """What other modules hold for these members, for profiles and the console, e.g.
    ``{"points": {member_id: 120}}``, ``{"wallet": {member_id: {"balance_fen": ...}}}``
    (members without an account left out). Read only."""


# --- coupons ------------------------------------------------------------------------------


@hookspec
def issue_coupons(session: Any, member_id: int, template_ids: list[int], source: str,
                  idempotency_key: str) -> list[int]:
    """Give ``member_id`` one coupon of each template in ``template_ids`` (the module owning
    coupons answers; e.g. promotions for a full-reduction tier's gift, signin for a sign-in
    reward), inside the caller's transaction. ``source`` says why (``"full_reduction"``,
    ``"signin"``) and is kept with each coupon. Idempotent by ``idempotency_key``: a second
    call with the same key issues nothing more and returns the ids issued the first time. A
    template that is off, sold out or of another shop is skipped (the stock and per-member
    limits still apply). Returns the member coupon ids issued under the key (one list per
    implementing module; nothing when coupons is off)."""


@hookspec
def revoke_coupons(session: Any, idempotency_key: str) -> int:
    """Take back the coupons issued under ``idempotency_key`` by :func:`issue_coupons` (a
    gift for an order that was cancelled or wholly refunded), inside the caller's
    transaction: unused ones are revoked and their template's stock returned; used or
    expired ones are left alone. Idempotent; returns how many were revoked now."""


# --- the console's overview ---------------------------------------------------------------


@dataclass(frozen=True)
class OverviewFigure:
    """One count of work waiting for the merchant on the console's overview (店铺概况),
    e.g. orders to ship or after-sales requests to handle. The console shows it to members
    with ``area`` and links it to the console ``endpoint`` (``args`` as its URL values);
    ``label`` is localized like block names (``{"zh-CN": ..., "en": ...}``)."""

    key: str
    label: dict[str, str]
    count: int
    area: str
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    position: int = 100  # smaller first


@hookspec
def overview_figures(session: Any) -> list[OverviewFigure]:
    """The module's pending-work counts for the shop of ``session`` (read only, real
    queries over the module's own rows): orders its to-ship and unpaid orders, catalog its
    products low on stock; an after-sales module its open requests."""
