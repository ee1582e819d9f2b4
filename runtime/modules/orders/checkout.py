"""Checkout: price what the buyer chose (a stored quote), then submit it as an order.

``quote`` runs the pricing pipeline over the cart's selected lines (or a buy-now item
list) and stores the result; ``submit`` orders the stored quote once its lines are checked
against their SKUs, locked (re-pricing only when one changed: 409 ``quote_changed`` with the
new quote when the price moved), reserves stock on those locked rows and creates the order,
all in one transaction under the client's idempotency key: a retried or double-clicked submit
returns the first order and never creates a second.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from runtime.bulk import insert_rows
from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import Conflict, FieldError, NotFound, ValidationFailed
from runtime.media.refs import load_assets, media_url
from runtime.modules.cart import service as cart_service
from runtime.modules.cart.fetch import (
    BLOCKING,
    ISSUE_LABELS,
    CartLineInfo,
    LineIssue,
    SkuInfo,
    load_skus,
    pricing_line,
)
from runtime.modules.catalog import locks as catalog_locks
from runtime.modules.catalog import stock
from runtime.modules.catalog.errors import InsufficientStock, ShortLine
from runtime.modules.catalog.models import Sku
from runtime.modules.loader import hooks, modules_of
from runtime.modules.orders import addresses, effects, state
from runtime.modules.orders.errors import OrderErrorCode
from runtime.modules.orders.models import (
    CheckoutQuote,
    IdempotencyKey,
    Order,
    OrderLine,
    OrderSettings,
    OrderTransition,
)
from runtime.modules.orders.service import mark_paid_nothing_due
from runtime.modules.orders.settings import get_settings
from runtime.modules.switches import enabled_modules
from runtime.pricing import (
    LINE_IMAGE_SIZE,
    ActivityRef,
    FulfilmentMethod,
    PricingRequest,
    Quote,
    ShippingPlan,
    run_pipeline,
)
from runtime.upsert import upsert_statement

QUOTE_TTL = timedelta(minutes=30)
MAX_ITEMS = 50
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,80}$")
SUBMIT_SCOPE = "order.submit"
CLAIM_COLUMNS = ("shop_id", "scope", "owner", "key", "request_hash")
ACTIVITY_KIND = re.compile(r"^[a-z][a-z0-9_]{1,23}$")
STOCK_ISSUES = frozenset({LineIssue.SOLD_OUT, LineIssue.INSUFFICIENT_STOCK})


@dataclass(frozen=True)
class CheckoutInput:
    """A validated checkout request, as stored with its quote."""

    source: str  # "cart" or "items"
    items: tuple[tuple[int, int], ...]
    fulfilment: FulfilmentMethod
    address_id: int | None
    pickup_point_id: int | None
    use_points: bool
    use_balance: bool
    coupon_id: int | None
    remark: str
    invoice: dict[str, Any] | None
    activity: ActivityRef | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source,
                "items": [{"sku_id": sku, "qty": qty} for sku, qty in self.items],
                "fulfilment": str(self.fulfilment), "address_id": self.address_id,
                "pickup_point_id": self.pickup_point_id, "use_points": self.use_points,
                "use_balance": self.use_balance, "coupon_id": self.coupon_id,
                "remark": self.remark, "invoice": self.invoice,
                "activity": self.activity.as_dict() if self.activity else None}


def _int_or_none(value: Any, pointer: str, errors: list[FieldError]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors.append(FieldError(pointer, "an id (positive integer)", "type"))
        return None
    return value


def parse_checkout(data: Mapping[str, Any]) -> CheckoutInput:
    """Validate a quote request body; every wrong field is named in one 422."""
    errors: list[FieldError] = []
    source = data.get("source", "cart")
    if source not in ("cart", "items"):
        errors.append(FieldError("/source", "cart or items", "enum"))
    items: list[tuple[int, int]] = []
    if source == "items":
        raw = data.get("items")
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ITEMS:
            errors.append(FieldError("/items", f"1-{MAX_ITEMS} items", "required"))
        else:
            for i, item in enumerate(raw):
                sku = item.get("sku_id") if isinstance(item, Mapping) else None
                qty = item.get("qty", 1) if isinstance(item, Mapping) else None
                if isinstance(sku, bool) or not isinstance(sku, int) or sku < 1:
                    errors.append(FieldError(f"/items/{i}/sku_id", "a SKU id", "required"))
                elif isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= 999:
                    errors.append(FieldError(f"/items/{i}/qty", "a whole number from 1 to 999"))
                else:
                    items.append((sku, qty))
            if len({sku for sku, _ in items}) != len(items):
                errors.append(FieldError("/items", "each SKU once"))
    try:
        method = FulfilmentMethod(data.get("fulfilment", "express"))
    except ValueError:
        errors.append(FieldError("/fulfilment", "express, pickup or local", "enum"))
        method = FulfilmentMethod.EXPRESS
    address_id = _int_or_none(data.get("address_id"), "/address_id", errors)
    point_id = _int_or_none(data.get("pickup_point_id"), "/pickup_point_id", errors)
    coupon_id = _int_or_none(data.get("coupon_id"), "/coupon_id", errors)
    flags = {}
    for name in ("use_points", "use_balance"):
        value = data.get(name, False)
        if not isinstance(value, bool):
            errors.append(FieldError(f"/{name}", "must be true or false", "type"))
        flags[name] = bool(value)
    remark = data.get("remark", "") or ""
    if not isinstance(remark, str) or len(remark) > 200:
        errors.append(FieldError("/remark", "a buyer remark of at most 200 characters"))
        remark = ""
    invoice = _parse_invoice(data.get("invoice"), errors)
    activity = _parse_activity(data.get("activity"), source, items, coupon_id, errors)
    if errors:
        raise ValidationFailed(errors)
    return CheckoutInput(str(source), tuple(items), method, address_id, point_id,
                         flags["use_points"], flags["use_balance"], coupon_id, remark.strip(),
                         invoice, activity)


def _parse_activity(raw: Any, source: Any, items: list[tuple[int, int]],
                    coupon_id: int | None, errors: list[FieldError]) -> ActivityRef | None:
    """``{"kind": "groupbuy", "id": 3, "group_id": 7}``: one SKU bought through a marketing
    activity, which prices it alone (no coupon)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.append(FieldError("/activity", "must be an object", "type"))
        return None
    kind = raw.get("kind")
    if not isinstance(kind, str) or not ACTIVITY_KIND.match(kind):
        errors.append(FieldError("/activity/kind", "the kind of activity (a module id)",
                                 "required"))
    activity_id = _int_or_none(raw.get("id"), "/activity/id", errors)
    if activity_id is None and "id" not in raw:
        errors.append(FieldError("/activity/id", "the activity's id", "required"))
    group_id = _int_or_none(raw.get("group_id"), "/activity/group_id", errors)
    if source != "items" or len(items) != 1:
        errors.append(FieldError("/activity", "an activity order is one SKU given in items",
                                 OrderErrorCode.ACTIVITY_SINGLE_LINE.value))
    if coupon_id is not None:
        errors.append(FieldError("/coupon_id", "a coupon cannot be used on an activity order",
                                 OrderErrorCode.COUPON_NOT_ALLOWED.value))
    if not isinstance(kind, str) or activity_id is None:
        return None
    return ActivityRef(kind, activity_id, group_id)


def _parse_invoice(raw: Any, errors: list[FieldError]) -> dict[str, Any] | None:
    """发票: personal (title) or company (title + tax number), sent to an email."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.append(FieldError("/invoice", "must be an object", "type"))
        return None
    kind = raw.get("type")
    title = raw.get("title")
    tax_no = raw.get("tax_no", "") or ""
    email = raw.get("email", "") or ""
    if kind not in ("personal", "company"):
        errors.append(FieldError("/invoice/type", "personal or company", "enum"))
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 100:
        errors.append(FieldError("/invoice/title", "an invoice title of 1-100 characters"))
    if kind == "company" and (not isinstance(tax_no, str)
                              or not re.match(r"^[0-9A-Z]{15,20}$", tax_no)):
        errors.append(FieldError("/invoice/tax_no", "a taxpayer id of 15-20 letters or digits"))
    if not isinstance(email, str) or (email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                             email)):
        errors.append(FieldError("/invoice/email", "an email address", "pattern"))
    if kind == "personal":
        tax_no = ""
    return {"type": kind, "title": title.strip() if isinstance(title, str) else "",
            "tax_no": tax_no, "email": email}


@dataclass(frozen=True)
class PricedCheckout:
    """A priced request: the quote, and what the order will copy from it."""

    input: CheckoutInput
    quote: Quote
    address: dict[str, Any] | None
    pickup_point: dict[str, Any] | None
    unavailable: tuple[CartLineInfo, ...]


def check_offered(settings: OrderSettings, data: CheckoutInput) -> None:
    """422 unless the shop offers the chosen fulfilment method (and invoices, when asked)."""
    errors: list[FieldError] = []
    allowed = {FulfilmentMethod.EXPRESS: settings.allow_express,
               FulfilmentMethod.PICKUP: settings.allow_pickup,
               FulfilmentMethod.LOCAL: settings.allow_local}
    if not allowed[data.fulfilment]:
        errors.append(FieldError("/fulfilment", f"this shop does not offer {data.fulfilment}",
                                 "fulfilment_unavailable"))
    if data.invoice is not None and not settings.invoice_enabled:
        errors.append(FieldError("/invoice", "this shop does not issue invoices", "unavailable"))
    if errors:
        raise ValidationFailed(errors)


def price(session: Session, member_id: int, data: CheckoutInput,
          quoted_skus: Collection[int] = ()) -> PricedCheckout:
    """Run the pipeline for ``data``: the cart's selected lines or the given items.

    ``quoted_skus`` (at submit: the SKUs of the stored quote) turns a cart line that ran out
    since the quote into one 409 ``insufficient_stock``."""
    check_offered(get_settings(session), data)

    unavailable: list[CartLineInfo] = []
    if data.source == "cart":
        info = cart_service.get_cart_info(session, cart_service.CartOwner(member_id=member_id))
        lines = [li.pricing_line() for li in info.checkout_lines]
        unavailable = [li for li in info.selected if not li.available]
        short_now = [ShortLine(li.line.sku_id, li.line.qty, max(li.info.sku.stock, 0))
                     for li in unavailable if li.info is not None
                     and li.line.sku_id in quoted_skus
                     and {x for x in li.issues if x in BLOCKING} <= STOCK_ISSUES]
        if short_now:
            raise InsufficientStock(short_now)
        if not lines:
            raise ValidationFailed.single("/source", "no selected item in the cart can be "
                                          "bought", OrderErrorCode.CART_EMPTY.value)
    else:
        infos = load_skus(session, (sku for sku, _ in data.items))
        now = utcnow()
        lines = []
        line_errors: list[FieldError] = []
        short: list[ShortLine] = []
        for i, (sku_id, qty) in enumerate(data.items):
            sku_info = infos.get(sku_id)
            if sku_info is None:
                line_errors.append(FieldError(f"/items/{i}/sku_id", f"no SKU {sku_id}",
                                              "not_found"))
                continue
            blocking = [x for x in sku_info.issues(qty, now) if x in BLOCKING]
            if blocking and set(blocking) <= STOCK_ISSUES:
                short.append(ShortLine(sku_id, qty, max(sku_info.sku.stock, 0)))
            elif blocking:
                line_errors.append(FieldError(f"/items/{i}", f"{sku_info.title}: "
                                              f"{ISSUE_LABELS[blocking[0]]}", str(blocking[0])))
                continue
            lines.append(pricing_line(f"sku-{sku_id}", sku_info, qty))
        if short and not line_errors:
            raise InsufficientStock(short)
        if line_errors:
            raise Conflict("; ".join(e.message for e in line_errors),
                           code=OrderErrorCode.LINE_UNAVAILABLE.value,
                           extra={"errors": [e.as_dict() for e in line_errors]})

    address = None
    if data.fulfilment in (FulfilmentMethod.EXPRESS, FulfilmentMethod.LOCAL):
        row = (addresses.get_address(session, member_id, data.address_id)
               if data.address_id is not None else addresses.default_address(session, member_id))
        address = row.snapshot() if row is not None else None

    request = PricingRequest(
        lines=tuple(lines), fulfilment=data.fulfilment, member_id=member_id,
        use_points=data.use_points, use_balance=data.use_balance, coupon_id=data.coupon_id,
        activity=data.activity)
    prepared: dict[str, Any] = {}
    ctx = {"member_id": member_id, "input": data, "address": address,
           "pickup_point_id": data.pickup_point_id}
    steps = modules_of(session).ordered_steps(enabled_modules(session))
    for entry in steps:
        if entry.prepare is not None:
            prepared[entry.step.name] = entry.prepare(session, request, ctx)
    quote = run_pipeline(request, prepared, [entry.step for entry in steps])
    plan = prepared.get("shipping")
    point = plan.pickup_point if isinstance(plan, ShippingPlan) else None
    return PricedCheckout(data, quote, address, dict(point) if point else None,
                          tuple(unavailable))


def _image_urls(session: Session, quote: Quote) -> list[str | None]:
    """Each quoted line's ``image_url`` (one ``load_assets``), kept with the stored quote so
    the order's answer needs no second look-up."""
    assets = load_assets(session, quote.image_refs())
    return [media_url(line.image, size=LINE_IMAGE_SIZE, assets=assets) for line in quote.lines]


def quote_payload(session: Session, priced: PricedCheckout, stored: CheckoutQuote
                  ) -> dict[str, Any]:
    """The quote for the API: lines (image URLs from the stored quote) and unavailable lines
    with ``image_url`` (one query, only when they have images)."""
    urls = stored.result.get("image_urls") or _image_urls(session, priced.quote)
    refs = [li.info.image for li in priced.unavailable if li.info and li.info.image]
    assets = load_assets(session, refs) if refs else {}
    return {"quote_id": stored.token, "expires_at": stored.expires_at.isoformat(),
            **priced.quote.as_dict(),
            "lines": [{**line.as_dict(), "image_url": url}
                      for line, url in zip(priced.quote.lines, urls, strict=True)],
            "address": priced.address, "pickup_point": priced.pickup_point,
            "unavailable_lines": [li.as_dict(assets) for li in priced.unavailable],
            "remark": priced.input.remark, "invoice": priced.input.invoice}


def create_quote(session: Session, member_id: int, body: Mapping[str, Any]
                 ) -> tuple[PricedCheckout, CheckoutQuote]:
    """Price a checkout request and keep it for ``QUOTE_TTL`` so it can be submitted."""
    data = parse_checkout(body)
    priced = price(session, member_id, data)
    return priced, _store(session, member_id, priced)


FINGERPRINT_KEYS = ("quote", "address", "pickup_point")


def _fingerprint(priced: PricedCheckout) -> dict[str, Any]:
    """What must not change between the quote the buyer saw and the order (the steps'
    ``extras``, advice such as the best coupon, may)."""
    quote = priced.quote.as_dict()
    quote.pop("extras")
    return {"quote": quote, "address": priced.address, "pickup_point": priced.pickup_point}


def _store(session: Session, member_id: int, priced: PricedCheckout) -> CheckoutQuote:
    stored = CheckoutQuote(token=secrets.token_hex(16), member_id=member_id,
                           request=priced.input.as_dict(),
                           result={**_fingerprint(priced),
                                   "image_urls": _image_urls(session, priced.quote)},
                           payable_fen=priced.quote.payable_fen,
                           expires_at=utcnow() + QUOTE_TTL)
    session.add(stored)
    session.flush()
    return stored


# --- submit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitResult:
    """The order; for one created now also what its answer needs without reading it back:
    its lines, their image URLs and its creation transition."""

    order: Order
    created: bool
    lines: tuple[OrderLine, ...] = ()
    image_urls: tuple[str | None, ...] = ()
    creation: OrderTransition | None = None


def check_idempotency_key(key: Any) -> str:
    if not isinstance(key, str) or not IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed.single(
            "/idempotency_key", "an Idempotency-Key of 8-80 letters, digits or _.:-",
            OrderErrorCode.IDEMPOTENCY_KEY_REQUIRED.value)
    return key


def _claim_key(session: Session, owner: str, key: str, request_hash: str
               ) -> tuple[int | None, IdempotencyKey | None]:
    """Claim ``key`` for this request: (the new claim's id, None), or (None, the earlier
    claim). The insert comes first, so a concurrent submit with the same key waits on the
    unique index until this transaction ends, then finds the finished claim."""
    claim_id = session.execute(_claim_statement(session.get_bind().dialect.name), {
        "shop_id": current_shop_id(session), "scope": SUBMIT_SCOPE, "owner": owner,
        "key": key, "request_hash": request_hash}).scalar()
    if claim_id is not None:
        return claim_id, None
    earlier = session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.scope == SUBMIT_SCOPE, IdempotencyKey.owner == owner,
        IdempotencyKey.key == key))
    assert earlier is not None
    if earlier.request_hash != request_hash:
        raise Conflict("this Idempotency-Key was used for a different request",
                       code=OrderErrorCode.IDEMPOTENCY_KEY_REUSED.value)
    return None, earlier


@functools.cache
def _claim_statement(dialect: str) -> Insert:
    """The claim's ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``, built once per
    database with its values bound per submit."""
    return upsert_statement(dialect, IdempotencyKey,
                            {name: bindparam(name) for name in CLAIM_COLUMNS},
                            conflict=("shop_id", "scope", "owner", "key"),
                            returning=(IdempotencyKey.id,))


def new_order_no() -> str:
    """20 digits: the time to the second, then 6 random digits (unique index as backstop)."""
    return f"{utcnow():%y%m%d%H%M%S}{secrets.randbelow(10**8):08d}"


def submit(session: Session, member_id: int, quote_token: Any, idempotency_key: Any, *,
           source: str = "miniprogram") -> SubmitResult:
    """Create the order of a stored quote, once per idempotency key, in the caller's
    transaction.

    The stored quote is the price (the quote and the order share the priced cart): its
    lines are checked against their SKUs, read with their products and locked in id order
    (price, title, spec, image, availability; a shortage is 409 ``insufficient_stock``), and
    the same locked rows are reserved. Only when a line changed is the request priced again;
    a different result is 409 ``quote_changed`` with the new quote.
    """
    key = check_idempotency_key(idempotency_key)
    if not isinstance(quote_token, str) or not quote_token:
        raise ValidationFailed.single("/quote_id", "the quote_id of a checkout quote",
                                      "required")
    request_hash = hashlib.sha256(quote_token.encode()).hexdigest()
    claim_id, earlier = _claim_key(session, f"member:{member_id}", key, request_hash)
    if earlier is not None:
        order = session.get(Order, earlier.resource_id) if earlier.resource_id else None
        if order is None:
            raise Conflict("the first request with this key did not finish; retry it",
                           code=OrderErrorCode.IDEMPOTENCY_KEY_REUSED.value)
        return SubmitResult(order, created=False)

    found = session.execute(
        select(CheckoutQuote, OrderSettings).outerjoin(OrderSettings, true())
        .where(CheckoutQuote.token == quote_token, CheckoutQuote.member_id == member_id)
    ).first()
    if found is None:
        raise NotFound("no such quote", code=OrderErrorCode.QUOTE_NOT_FOUND.value)
    stored, settings = found
    if stored.expires_at <= utcnow():
        raise Conflict("the quote has expired; get a new one",
                       code=OrderErrorCode.QUOTE_EXPIRED.value)
    settings = settings or get_settings(session)
    priced, skus, as_quoted = _price_for_submit(session, member_id, stored)
    if as_quoted:
        check_offered(settings, priced.input)
    quote = priced.quote
    if not quote.ok:
        raise ValidationFailed(list(quote.errors), detail="the quote cannot be submitted: "
                               + "; ".join(e.message for e in quote.errors))

    hooks(session).validate_submit(session=session, submission=priced)
    order, lines, creation = _create_order(session, member_id, priced, skus, settings, source)
    session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claim_id)
                    .values(resource_id=order.id)
                    .execution_options(synchronize_session=False))
    urls = stored.result.get("image_urls") if as_quoted else None
    if urls is None:
        urls = _image_urls(session, quote)
    return SubmitResult(order, True, tuple(lines), tuple(urls), creation)


def _price_for_submit(session: Session, member_id: int, stored: CheckoutQuote
                      ) -> tuple[PricedCheckout, dict[int, Sku], bool]:
    """The priced checkout to order and its SKUs, locked: the stored quote when every line
    is still sold as quoted (``True``), else the request priced again (``False``), which
    must come out as the stored quote."""
    data = parse_checkout(stored.request)
    quote = Quote.from_dict(stored.result["quote"])
    infos = {sku.id: SkuInfo(sku, product) for sku, product in session.execute(
        catalog_locks.skus_with_products_for_update(line.sku_id for line in quote.lines))}
    skus = {sku_id: info.sku for sku_id, info in infos.items()}
    # An activity's price holds only while it runs (and within its limits): priced again.
    if quote.activity is None and _still_as_quoted(quote, infos):
        return (PricedCheckout(data, quote, stored.result["address"],
                               stored.result["pickup_point"], ()), skus, True)
    priced = price(session, member_id, data, {line.sku_id for line in quote.lines})
    if (_canonical(_fingerprint(priced))
            != _canonical({name: stored.result[name] for name in FINGERPRINT_KEYS})):
        raise Conflict("prices or availability changed since the quote; ask for a new quote",
                       code=OrderErrorCode.QUOTE_CHANGED.value,
                       extra={"quote": {
                           **priced.quote.as_dict(load_assets(session,
                                                              priced.quote.image_refs())),
                           "address": priced.address, "pickup_point": priced.pickup_point}})
    return priced, skus, False


def _still_as_quoted(quote: Quote, infos: Mapping[int, SkuInfo]) -> bool:
    """Every quoted line's SKU is sold as quoted (product, title, spec, price, image) and
    can be bought; a line short of stock makes it one 409 ``insufficient_stock``."""
    now = utcnow()
    short: list[ShortLine] = []
    for line in quote.lines:
        info = infos.get(line.sku_id)
        if info is None:
            return False
        blocking = {x for x in info.issues(line.qty, now) if x in BLOCKING}
        if blocking and blocking <= STOCK_ISSUES:
            short.append(ShortLine(line.sku_id, line.qty, max(info.sku.stock, 0)))
            continue
        current = pricing_line(line.key, info, line.qty)
        if blocking or ((current.product_id, current.title, current.spec_text,
                         current.unit_price_fen, current.image)
                        != (line.product_id, line.title, line.spec_text, line.unit_price_fen,
                            line.image)):
            return False
    if short:
        raise InsufficientStock(short)
    return True


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _create_order(session: Session, member_id: int, priced: PricedCheckout,
                  skus: Mapping[int, Sku], settings: OrderSettings, source: str
                  ) -> tuple[Order, list[OrderLine], OrderTransition]:
    quote = priced.quote
    now = utcnow()
    order_no = new_order_no()
    stock_key = f"order-{order_no}"
    stock.reserve_new(session, skus, [(line.sku_id, line.qty) for line in quote.lines],
                      stock_key)
    [order] = insert_rows(session, Order, [dict(
        order_no=order_no, member_id=member_id, fulfilment=str(quote.fulfilment),
        source=source[:16], item_count=sum(line.qty for line in quote.lines),
        goods_total_fen=quote.goods_total_fen, discount_fen=quote.discount_total_fen,
        shipping_fen=quote.shipping_fen, points_used=quote.points_used,
        points_deduction_fen=quote.points_deduction_fen, payable_fen=quote.payable_fen,
        pricing={"adjustments": [a.as_dict() for a in quote.adjustments],
                 "shipping_detail": dict(quote.shipping_detail),
                 "balance_fen": quote.balance_fen, "cash_due_fen": quote.cash_due_fen},
        address=priced.address, receiver_name=(priced.address or {}).get("name", ""),
        receiver_phone=(priced.address or {}).get("phone", ""),
        pickup_point_id=(priced.pickup_point or {}).get("id"),
        pickup_point=priced.pickup_point, buyer_remark=priced.input.remark,
        invoice=priced.input.invoice, stock_key=stock_key,
        activity_kind=quote.activity.kind if quote.activity else None,
        activity_id=quote.activity.id if quote.activity else None,
        pay_deadline_at=now + timedelta(minutes=quote.pay_within_minutes
                                        or settings.unpaid_timeout_minutes))],
        key="order_no")
    lines = insert_rows(session, OrderLine, [{
        "order_id": order.id, "sku_id": line.sku_id, "product_id": line.product_id,
        "title": line.title, "spec_text": line.spec_text,
        "image": dict(line.image) if line.image else None,
        "unit_price_fen": line.unit_price_fen, "qty": line.qty, "total_fen": line.total_fen,
        "discount_fen": line.discount_fen, "payable_fen": line.payable_fen,
        "adjustments": dict(line.adjustments)} for line in quote.lines], key="sku_id")
    creation = state.record_creation(session, order, state.Actor.member(member_id))
    if priced.input.source == "cart":
        cart_service.remove_ordered(session, member_id, [line.sku_id for line in quote.lines])
    session.flush()
    hooks(session).order_created(session=session, order=order, lines=lines, submission=priced)
    if order.payable_fen == 0:
        mark_paid_nothing_due(session, order)
        return order, lines, creation
    shop_id = current_shop_id(session)
    assert shop_id is not None
    effects.schedule_unpaid_close(session, shop_id, order.id, order.pay_deadline_at)
    return order, lines, creation
