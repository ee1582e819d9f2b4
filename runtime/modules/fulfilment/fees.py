"""Shipping fees, pure: express templates by region and piece/weight, local delivery by
distance tiers, self-pickup free. The fulfilment service loads the specs from the tables."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from runtime.pricing import ShippingCharge


class ChargeBy(StrEnum):
    PIECE = "piece"  # 按件
    WEIGHT = "weight"  # 按重量 (grams)


@dataclass(frozen=True)
class RegionRef:
    """Where an address is: the 6-digit adcode of its district (optional) and names."""

    province: str = ""
    city: str = ""
    district: str = ""
    adcode: str = ""

    def candidates(self) -> list[tuple[int, str]]:
        """Region keys from most to least specific, with their specificity."""
        keys: list[tuple[int, str]] = []
        code = self.adcode.strip()
        if len(code) == 6 and code.isdigit():
            keys += [(3, code), (2, code[:4] + "00"), (1, code[:2] + "0000")]
        for rank, name in ((3, self.district), (2, self.city), (1, self.province)):
            if name.strip():
                keys.append((rank, name.strip()))
        return keys

    @property
    def label(self) -> str:
        return "".join(p for p in (self.province, self.city, self.district) if p) or "该地区"


@dataclass(frozen=True)
class TemplateRule:
    """Fees for some regions (adcodes or names; empty = everywhere else): the first
    ``first_units`` pieces (or grams) cost ``first_fee_fen``, each further ``extra_units``
    (started) cost ``extra_fee_fen``."""

    regions: tuple[str, ...]
    first_units: int
    first_fee_fen: int
    extra_units: int
    extra_fee_fen: int

    def fee(self, units: int) -> int:
        if units <= 0:
            return 0
        fee = self.first_fee_fen
        if units > self.first_units and self.extra_units > 0:
            fee += math.ceil((units - self.first_units) / self.extra_units) * self.extra_fee_fen
        return fee


@dataclass(frozen=True)
class TemplateSpec:
    id: int
    name: str
    charge_by: ChargeBy
    rules: tuple[TemplateRule, ...]
    free_over_fen: int | None = None  # 满额包邮: goods (after discounts) at or above this
    free_over_units: int | None = None  # 满件包邮
    excluded_regions: tuple[str, ...] = ()

    def rule_for(self, region: RegionRef) -> TemplateRule | None:
        best: tuple[int, TemplateRule] | None = None
        keys = region.candidates()
        for rule in self.rules:
            if not rule.regions:
                if best is None:
                    best = (0, rule)
                continue
            for rank, key in keys:
                if key in rule.regions and (best is None or rank > best[0]):
                    best = (rank, rule)
        return best[1] if best else None

    def excludes(self, region: RegionRef) -> bool:
        return any(key in self.excluded_regions for _rank, key in region.candidates())


@dataclass(frozen=True)
class FeeLine:
    """What fees look at for one line: quantity, weight, payable after discounts, template."""

    key: str
    qty: int
    weight_g: int
    payable_fen: int
    template_id: int | None


def express_fee(lines: Sequence[FeeLine], region: RegionRef | None,
                templates: Mapping[int, TemplateSpec],
                default_template_id: int | None) -> ShippingCharge:
    """Lines are grouped by template; each group is charged by its template; fees add up.
    With no template configured at all, express shipping is free (包邮)."""
    if region is None:
        return ShippingCharge(0, False, "请选择收货地址", {"method": "express"})
    groups: dict[int | None, list[FeeLine]] = {}
    for line in lines:
        tid = line.template_id if line.template_id in templates else default_template_id
        groups.setdefault(tid if tid in templates else None, []).append(line)
    total = 0
    parts: list[dict[str, Any]] = []
    for tid, group in groups.items():
        if tid is None:
            parts.append({"template_id": None, "fee_fen": 0, "free": True})
            continue
        spec = templates[tid]
        if spec.excludes(region):
            return ShippingCharge(0, False, f"{spec.name}: 不配送到{region.label}",
                                  {"method": "express", "template_id": tid})
        rule = spec.rule_for(region)
        if rule is None:
            return ShippingCharge(0, False, f"{spec.name}: 不配送到{region.label}",
                                  {"method": "express", "template_id": tid})
        units = sum(line.qty if spec.charge_by == ChargeBy.PIECE else line.qty * line.weight_g
                    for line in group)
        pieces = sum(line.qty for line in group)
        goods = sum(line.payable_fen for line in group)
        free = ((spec.free_over_fen is not None and goods >= spec.free_over_fen)
                or (spec.free_over_units is not None and pieces >= spec.free_over_units))
        fee = 0 if free else rule.fee(units)
        total += fee
        parts.append({"template_id": tid, "fee_fen": fee, "free": free, "units": units,
                      "charge_by": str(spec.charge_by)})
    return ShippingCharge(total, True, "", {"method": "express", "templates": parts})


# --- local delivery (同城配送) -------------------------------------------------------------


EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Great-circle distance in metres (haversine), rounded up."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return math.ceil(2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a))))


@dataclass(frozen=True)
class FeeTier:
    up_to_m: int
    fee_fen: int


@dataclass(frozen=True)
class LocalDeliverySpec:
    origin_lat: float
    origin_lng: float
    radius_m: int
    tiers: tuple[FeeTier, ...] = field(default_factory=tuple)
    min_order_fen: int = 0  # 起送价
    free_over_fen: int | None = None

    def fee_for(self, distance: int) -> int:
        for tier in sorted(self.tiers, key=lambda t: t.up_to_m):
            if distance <= tier.up_to_m:
                return tier.fee_fen
        return max(self.tiers, key=lambda t: t.up_to_m).fee_fen if self.tiers else 0


def local_fee(spec: LocalDeliverySpec | None, lat: float | None, lng: float | None,
              goods_payable_fen: int) -> ShippingCharge:
    if spec is None:
        return ShippingCharge(0, False, "本店未开通同城配送", {"method": "local"})
    if lat is None or lng is None:
        return ShippingCharge(0, False, "收货地址缺少定位，无法计算配送距离", {"method": "local"})
    distance = distance_m(spec.origin_lat, spec.origin_lng, lat, lng)
    detail: dict[str, Any] = {"method": "local", "distance_m": distance}
    if distance > spec.radius_m:
        return ShippingCharge(0, False, f"超出配送范围（{spec.radius_m / 1000:g} 公里）", detail)
    if goods_payable_fen < spec.min_order_fen:
        return ShippingCharge(0, False, f"未达起送价 {spec.min_order_fen / 100:.2f} 元", detail)
    if spec.free_over_fen is not None and goods_payable_fen >= spec.free_over_fen:
        return ShippingCharge(0, True, "", {**detail, "free": True})
    return ShippingCharge(spec.fee_for(distance), True, "", detail)


def parse_regions(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in values if str(v).strip())
