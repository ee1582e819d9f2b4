"""The pricing pipeline (a platform part, no database): (lines, fulfilment, choices) -> an
itemised quote.

Pure: :func:`run_pipeline` works over typed dataclasses only. Each step is contributed by a
module as ``Module.pricing_steps`` (members: the level discount; fulfilment: shipping;
points: the deduction; wallet: the balance; orders: the coupon check; later promotion
modules: coupons, full reduction, seckill ...). The data a step needs is loaded beforehand
by the step's own ``prepare(session, request, ctx)`` when checkout prices, and handed to
``apply`` as ``state.data[step.name]``; so this file and every ``apply`` are testable
without a database, and no module imports another to price. Steps run in ``position``
order and are skipped for a shop where their module is off. Every discount is allocated to
lines (pro rata to what each still costs, floored to the fen, the last line taking the
remainder) so each line knows what it was charged, for refunds later; the parts always sum
exactly.

Stage 2 (positions 100-199: limited-time discount vs member price) is per line the larger
saving, never both: its steps do not take money off but register per-line offers
(:meth:`PricingState.offer`); the pipeline resolves them, the largest offer per line winning,
before the first step past the stage (:data:`STAGE2_END`) runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Protocol

from runtime.errors import FieldError
from runtime.media.models import MediaAsset
from runtime.media.refs import media_url

# The width (px) of the thumbnail behind a cart, quote or order line's ``image_url``.
LINE_IMAGE_SIZE = 300


def allocate(amount_fen: int, weights: Sequence[int]) -> list[int]:
    """Split ``amount_fen`` in proportion to ``weights``: each part floored to the fen, the
    last line with a weight taking the remainder.

    The parts are integers that sum to ``amount_fen`` exactly. When ``amount_fen <=
    sum(weights)`` no part exceeds its weight (a discount never makes a line negative): in
    the rare case the remainder would exceed the last line's weight, the excess goes to the
    lines before it, from the end, up to what each can still take. Deterministic.
    """
    if amount_fen < 0:
        raise ValueError("amount_fen must not be negative")
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    total = sum(weights)
    if amount_fen == 0 or not weights:
        return [0] * len(weights)
    if total == 0:
        raise ValueError("cannot allocate a non-zero amount over zero weights")
    last = max(i for i, w in enumerate(weights) if w)
    parts = [amount_fen * w // total for w in weights]
    parts[last] += amount_fen - sum(parts)
    excess = parts[last] - weights[last] if amount_fen <= total else 0
    if excess > 0:
        parts[last] = weights[last]
        for i in range(last - 1, -1, -1):
            take = min(excess, weights[i] - parts[i])
            parts[i] += take
            excess -= take
            if not excess:
                break
    return parts


def percent_of(amount_fen: int, percent: int | float | str) -> int:
    """``percent`` % of ``amount_fen``, rounded half up to the fen (for discounts by rate)."""
    value = Decimal(amount_fen) * Decimal(str(percent)) / Decimal(100)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Stage 2 of the pipeline (limited-time discount vs member price) is the positions below
# this: its steps register per-line offers, resolved before the first step at or past it.
STAGE2_START = 100
STAGE2_END = 200


class AdjustmentKind(StrEnum):
    DISCOUNT = "discount"  # a promotion, member price, coupon ...
    POINTS = "points"  # points deduction (积分抵扣)


class FulfilmentMethod(StrEnum):
    EXPRESS = "express"  # 快递发货
    PICKUP = "pickup"  # 到店自提
    LOCAL = "local"  # 同城配送


@dataclass(frozen=True)
class PricingLine:
    """One line to price: a SKU at its current price, and the data rules look at."""

    key: str
    sku_id: int
    product_id: int
    title: str
    unit_price_fen: int
    qty: int
    spec_text: str = ""
    weight_g: int = 0
    category_id: int | None = None
    image: Mapping[str, Any] | None = None

    @property
    def total_fen(self) -> int:
        return self.unit_price_fen * self.qty


@dataclass(frozen=True)
class ActivityRef:
    """The marketing activity an order is bought through (seckill, group buy, points mall,
    bargain): the module that owns ``kind`` prices it at its activity price, and the order's
    other discounts (member level, promotions, coupons, points) stay out."""

    kind: str
    id: int
    group_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "group_id": self.group_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ActivityRef | None:
        if not data:
            return None
        return cls(str(data["kind"]), int(data["id"]), data.get("group_id"))


@dataclass(frozen=True)
class PricingRequest:
    lines: tuple[PricingLine, ...]
    fulfilment: FulfilmentMethod = FulfilmentMethod.EXPRESS
    member_id: int | None = None
    use_points: bool = False
    use_balance: bool = False
    coupon_id: int | None = None
    activity: ActivityRef | None = None


@dataclass(frozen=True)
class ShippingCharge:
    """What the fulfilment step decided: the fee, or why this method cannot serve the order."""

    fee_fen: int = 0
    available: bool = True
    reason: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Adjustment:
    """One discount with its source (``member_level``, ``coupon:12``, ``points``) and how it
    was split over the lines (``per_line`` by line key)."""

    source: str
    kind: AdjustmentKind
    label: str
    amount_fen: int
    per_line: Mapping[str, int]
    meta: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": str(self.kind), "label": self.label,
                "amount_fen": self.amount_fen, "meta": dict(self.meta)}


@dataclass(frozen=True)
class Offer:
    """A stage-2 price for one line (a limited-time discount, the member price), as the
    saving it gives off what the line costs when offered."""

    line_key: str
    source: str
    label: str
    saving_fen: int
    meta: Mapping[str, Any] = field(default_factory=dict)


class PricingState:
    """The quote under construction; steps read it and add adjustments."""

    def __init__(self, request: PricingRequest, data: Mapping[str, Any]) -> None:
        self.request = request
        self.data = data
        self.lines = request.lines
        self.line_payable: dict[str, int] = {line.key: line.total_fen for line in request.lines}
        self.adjustments: list[Adjustment] = []
        self.shipping = ShippingCharge()
        self.free_shipping_by = ""  # a step that waives the fee (e.g. "member_level")
        self.points_used = 0
        self.balance_available_fen: int | None = None
        self.balance_fen = 0
        self.errors: list[FieldError] = []
        self.notes: list[str] = []
        self.offers: dict[str, list[Offer]] = {}
        self.offers_resolved = False
        self.stage2_winners: dict[str, Offer] = {}  # line key -> the offer it was priced by
        # Set by the activity module's step that priced ``request.activity`` (its source),
        # with the activity's own time to pay, if it has one.
        self.activity_priced_by = ""
        self.pay_within_minutes: int | None = None
        # What a step tells the buyer besides its adjustments, by step name (coupons: the
        # best usable coupon, the unusable ones with reasons); the quote's ``extras``.
        self.extras: dict[str, Any] = {}

    @property
    def is_activity_order(self) -> bool:
        """An order bought through an activity: only its own price applies (no member level,
        promotions, coupons or points deduction)."""
        return self.request.activity is not None

    @property
    def goods_total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)

    @property
    def goods_payable_fen(self) -> int:
        """Goods after every discount so far (what a later percentage applies to)."""
        return sum(self.line_payable.values())

    def add_adjustment(self, source: str, label: str, amount_fen: int, *,
                       kind: AdjustmentKind = AdjustmentKind.DISCOUNT,
                       lines: Iterable[str] | None = None,
                       meta: Mapping[str, Any] | None = None,
                       keep_empty: bool = False) -> Adjustment | None:
        """Take ``amount_fen`` off the goods (of ``lines``, or all), split by what each line
        still costs; capped so no line goes below zero. Returns what was applied. With
        ``keep_empty`` a zero amount is still recorded (a full-reduction tier that only
        gives free shipping or gifts keeps its ``meta`` with the order)."""
        keys = list(lines) if lines is not None else [line.key for line in self.lines]
        unknown = [k for k in keys if k not in self.line_payable]
        if unknown:
            raise KeyError(f"adjustment {source!r} names unknown lines {unknown}")
        weights = [self.line_payable[k] for k in keys]
        amount = min(max(int(amount_fen), 0), sum(weights))
        if amount == 0:
            return self._record(source, kind, label, {}, meta) if keep_empty else None
        parts = allocate(amount, weights)
        per_line = {k: p for k, p in zip(keys, parts, strict=True) if p}
        return self._record(source, kind, label, per_line, meta)

    def _record(self, source: str, kind: AdjustmentKind, label: str,
                per_line: Mapping[str, int], meta: Mapping[str, Any] | None) -> Adjustment:
        for k, p in per_line.items():
            self.line_payable[k] -= p
        adjustment = Adjustment(source, kind, label, sum(per_line.values()), dict(per_line),
                                meta or {})
        self.adjustments.append(adjustment)
        return adjustment

    def offer(self, line_key: str, source: str, label: str, saving_fen: int,
              meta: Mapping[str, Any] | None = None) -> None:
        """Offer a stage-2 price for one line (steps at positions 100-199): the saving off
        what the line costs now. Per line the largest offer wins (the first on a tie), and
        only it is taken off; the others are dropped."""
        if self.offers_resolved:
            raise RuntimeError(f"offer from {source!r} after stage 2 was resolved")
        if line_key not in self.line_payable:
            raise KeyError(f"offer {source!r} names unknown line {line_key!r}")
        saving = min(int(saving_fen), self.line_payable[line_key])
        if saving > 0:
            self.offers.setdefault(line_key, []).append(
                Offer(line_key, source, label, saving, meta or {}))

    def resolve_offers(self) -> None:
        """Stage 2's outcome: per line the largest offer, then one adjustment per winning
        source with each line's own saving (in the order the sources first offered).
        Idempotent; run by :func:`run_pipeline`."""
        if self.offers_resolved:
            return
        self.offers_resolved = True
        order: list[str] = []
        for offers in self.offers.values():
            order.extend(o.source for o in offers if o.source not in order)
        won: dict[str, dict[str, int]] = {}
        first: dict[str, Offer] = {}
        for line in self.lines:
            offers = self.offers.get(line.key)
            if not offers:
                continue
            best = max(offers, key=lambda o: o.saving_fen)  # max keeps the first on a tie
            saving = min(best.saving_fen, self.line_payable[line.key])
            if saving <= 0:
                continue
            self.stage2_winners[line.key] = best
            won.setdefault(best.source, {})[line.key] = saving
            first.setdefault(best.source, best)
        for source in sorted(won, key=order.index):
            offer = first[source]
            self._record(source, AdjustmentKind.DISCOUNT, offer.label, won[source], offer.meta)

    def error(self, pointer: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(pointer, message, code))


class PricingStep(Protocol):
    """One ordered step of the pipeline. ``prepare`` does the IO (optional), ``apply`` is pure."""

    name: str
    position: int

    def apply(self, state: PricingState) -> None: ...


@dataclass(frozen=True)
class ShippingPlan:
    """What the shipping step's ``prepare`` loaded: the pure fee function it calls with the
    goods after discounts, and the chosen pickup point's snapshot (copied to the order)."""

    fee: Callable[[PricingState], ShippingCharge]
    pickup_point: Mapping[str, Any] | None = None




# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteLine:
    key: str
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    unit_price_fen: int
    qty: int
    total_fen: int
    discount_fen: int
    payable_fen: int
    adjustments: Mapping[str, int]
    image: Mapping[str, Any] | None = None

    def as_dict(self, assets: Mapping[int, MediaAsset] | None = None) -> dict[str, Any]:
        """The line; with ``assets`` (loaded once per response) it also carries ``image_url``.
        Without, it is what a quote's fingerprint compares: a thumbnail that finished between
        quote and submit is not a change of the order."""
        data = {"key": self.key, "sku_id": self.sku_id, "product_id": self.product_id,
                "title": self.title, "spec_text": self.spec_text,
                "unit_price_fen": self.unit_price_fen, "qty": self.qty,
                "total_fen": self.total_fen, "discount_fen": self.discount_fen,
                "payable_fen": self.payable_fen, "adjustments": dict(self.adjustments),
                "image": dict(self.image) if self.image else None}
        if assets is not None:
            data["image_url"] = media_url(self.image, size=LINE_IMAGE_SIZE, assets=assets)
        return data


@dataclass(frozen=True)
class Quote:
    """The itemised price of an order. Invariants (tested): ``payable = goods_total -
    discount_total + shipping``; the lines' payables plus shipping equal ``payable``; each
    adjustment's per-line parts sum to its amount."""

    fulfilment: FulfilmentMethod
    lines: tuple[QuoteLine, ...]
    adjustments: tuple[Adjustment, ...]
    goods_total_fen: int
    discount_total_fen: int
    shipping_fen: int
    shipping_detail: Mapping[str, Any]
    points_used: int
    points_deduction_fen: int
    payable_fen: int
    balance_fen: int
    cash_due_fen: int
    balance_available_fen: int | None
    errors: tuple[FieldError, ...] = ()
    activity: ActivityRef | None = None
    pay_within_minutes: int | None = None  # an activity's own time to pay
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def image_refs(self) -> list[Mapping[str, Any]]:
        return [line.image for line in self.lines if line.image]

    def as_dict(self, assets: Mapping[int, MediaAsset] | None = None) -> dict[str, Any]:
        """See :meth:`QuoteLine.as_dict` for ``assets``."""
        return {
            "fulfilment": str(self.fulfilment),
            "lines": [line.as_dict(assets) for line in self.lines],
            "adjustments": [a.as_dict() for a in self.adjustments],
            "goods_total_fen": self.goods_total_fen,
            "discount_total_fen": self.discount_total_fen,
            "shipping_fen": self.shipping_fen,
            "shipping_detail": dict(self.shipping_detail),
            "points_used": self.points_used,
            "points_deduction_fen": self.points_deduction_fen,
            "payable_fen": self.payable_fen,
            "balance_fen": self.balance_fen,
            "cash_due_fen": self.cash_due_fen,
            "balance_available_fen": self.balance_available_fen,
            "errors": [e.as_dict() for e in self.errors],
            "activity": self.activity.as_dict() if self.activity else None,
            "pay_within_minutes": self.pay_within_minutes,
            "extras": dict(self.extras),
        }


    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quote:
        """The quote :meth:`as_dict` wrote, whole again (a stored quote is submitted as priced;
        each adjustment's split comes back from the lines' parts)."""
        lines = tuple(QuoteLine(
            key=ln["key"], sku_id=ln["sku_id"], product_id=ln["product_id"], title=ln["title"],
            spec_text=ln["spec_text"], unit_price_fen=ln["unit_price_fen"], qty=ln["qty"],
            total_fen=ln["total_fen"], discount_fen=ln["discount_fen"],
            payable_fen=ln["payable_fen"], adjustments=dict(ln["adjustments"]),
            image=ln["image"]) for ln in data["lines"])
        adjustments = tuple(Adjustment(
            source=a["source"], kind=AdjustmentKind(a["kind"]), label=a["label"],
            amount_fen=a["amount_fen"], meta=dict(a["meta"]),
            per_line={ln.key: ln.adjustments[a["source"]] for ln in lines
                      if a["source"] in ln.adjustments}) for a in data["adjustments"])
        return cls(
            fulfilment=FulfilmentMethod(data["fulfilment"]), lines=lines,
            adjustments=adjustments, goods_total_fen=data["goods_total_fen"],
            discount_total_fen=data["discount_total_fen"], shipping_fen=data["shipping_fen"],
            shipping_detail=dict(data["shipping_detail"]), points_used=data["points_used"],
            points_deduction_fen=data["points_deduction_fen"], payable_fen=data["payable_fen"],
            balance_fen=data["balance_fen"], cash_due_fen=data["cash_due_fen"],
            balance_available_fen=data["balance_available_fen"],
            errors=tuple(FieldError(e["pointer"], e["message"], e["code"])
                         for e in data["errors"]),
            activity=ActivityRef.from_dict(data.get("activity")),
            pay_within_minutes=data.get("pay_within_minutes"),
            extras=dict(data.get("extras") or {}))


def run_pipeline(request: PricingRequest, data: Mapping[str, Any] | None,
                 steps: Sequence[PricingStep]) -> Quote:
    """Price ``request`` through ``steps`` (in the order given) with the prepared ``data``."""
    state = PricingState(request, data or {})
    for step in steps:
        if step.position >= STAGE2_END:
            state.resolve_offers()
        step.apply(state)
    state.resolve_offers()
    return _build_quote(state)


def _build_quote(state: PricingState) -> Quote:
    lines: list[QuoteLine] = []
    for line in state.lines:
        parts = {a.source: a.per_line[line.key] for a in state.adjustments
                 if line.key in a.per_line}
        discount = sum(parts.values())
        lines.append(QuoteLine(
            key=line.key, sku_id=line.sku_id, product_id=line.product_id, title=line.title,
            spec_text=line.spec_text, unit_price_fen=line.unit_price_fen, qty=line.qty,
            total_fen=line.total_fen, discount_fen=discount,
            payable_fen=line.total_fen - discount, adjustments=parts, image=line.image))
    goods = state.goods_total_fen
    discount_total = sum(a.amount_fen for a in state.adjustments)
    points_fen = sum(a.amount_fen for a in state.adjustments if a.kind == AdjustmentKind.POINTS)
    shipping = state.shipping.fee_fen if state.shipping.available else 0
    payable = goods - discount_total + shipping
    detail = dict(state.shipping.detail)
    return Quote(
        fulfilment=state.request.fulfilment, lines=tuple(lines),
        adjustments=tuple(state.adjustments), goods_total_fen=goods,
        discount_total_fen=discount_total, shipping_fen=shipping, shipping_detail=detail,
        points_used=state.points_used, points_deduction_fen=points_fen, payable_fen=payable,
        balance_fen=state.balance_fen, cash_due_fen=payable - state.balance_fen,
        balance_available_fen=state.balance_available_fen, errors=tuple(state.errors),
        activity=state.request.activity, pay_within_minutes=state.pay_within_minutes,
        extras=dict(state.extras))
