"""Fulfilment settings and fee quotes: shipping templates, pickup points, local delivery.

Shipments, pickup codes and WeChat shipping uploads are in
:mod:`runtime.modules.fulfilment.shipping`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, NotFound
from runtime.fielderrors import FieldErrors
from runtime.modules.fulfilment.fees import (
    ChargeBy,
    FeeLine,
    FeeTier,
    LocalDeliverySpec,
    RegionRef,
    TemplateRule,
    TemplateSpec,
    express_fee,
    local_fee,
    parse_regions,
)
from runtime.modules.fulfilment.models import (
    LocalDelivery,
    PickupPoint,
    ProductShippingTemplate,
    ShippingTemplate,
    ShippingTemplateRule,
)
from runtime.pricing import FulfilmentMethod, PricingState, ShippingCharge

MAX_RULES = 50
MAX_FEE_FEN = 1_000_000


# --- validation helpers ----------------------------------------------------------------------


class _Checker(FieldErrors):
    def regions(self, data: Mapping[str, Any], name: str, at: str = "") -> tuple[str, ...]:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= 32
                                                  for v in value):
            self.add(f"{at}/{name}", "a list of region codes or names", "type")
            return ()
        return parse_regions(value)


# --- shipping templates ----------------------------------------------------------------------


def list_templates(session: Session) -> list[ShippingTemplate]:
    return list(session.scalars(select(ShippingTemplate).order_by(ShippingTemplate.id)))


def template_rules(session: Session, template_ids: Sequence[int]
                   ) -> dict[int, list[ShippingTemplateRule]]:
    rules: dict[int, list[ShippingTemplateRule]] = {tid: [] for tid in template_ids}
    if template_ids:
        for rule in session.scalars(select(ShippingTemplateRule)
                                    .where(ShippingTemplateRule.template_id.in_(template_ids))
                                    .order_by(ShippingTemplateRule.position,
                                              ShippingTemplateRule.id)):
            rules[rule.template_id].append(rule)
    return rules


def get_template(session: Session, template_id: Any) -> ShippingTemplate:
    template = None
    if isinstance(template_id, int) and not isinstance(template_id, bool):
        template = session.get(ShippingTemplate, template_id)
    if template is None:
        raise NotFound(f"no shipping template {template_id}", code="shipping_template_not_found")
    return template


def _clean_template(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    check = _Checker()
    clean: dict[str, Any] = {"name": check.text(data, "name", 40)}
    charge_by = data.get("charge_by", "piece")
    if charge_by not in (ChargeBy.PIECE, ChargeBy.WEIGHT):
        check.append(FieldError("/charge_by", "piece or weight", "enum"))
    clean["charge_by"] = charge_by
    clean["free_over_fen"] = check.integer(data, "free_over_fen", 0, 100_000_000,
                                           required=False)
    clean["free_over_units"] = check.integer(data, "free_over_units", 1, 100_000,
                                             required=False)
    clean["excluded_regions"] = list(check.regions(data, "excluded_regions"))
    is_default = data.get("is_default", False)
    if not isinstance(is_default, bool):
        check.append(FieldError("/is_default", "must be true or false", "type"))
    clean["is_default"] = bool(is_default)
    rules_in = data.get("rules")
    rules: list[dict[str, Any]] = []
    if not isinstance(rules_in, list) or not 1 <= len(rules_in) <= MAX_RULES:
        check.append(FieldError("/rules", f"1-{MAX_RULES} fee rules", "required"))
    else:
        defaults = 0
        for i, rule in enumerate(rules_in):
            where = f"/rules/{i}"
            if not isinstance(rule, Mapping):
                check.append(FieldError(where, "must be an object", "type"))
                continue
            regions = check.regions(rule, "regions", where)
            defaults += not regions
            rules.append({
                "regions": list(regions), "position": i,
                "first_units": check.integer(rule, "first_units", 1, 1_000_000, at=where),
                "first_fee_fen": check.integer(rule, "first_fee_fen", 0, MAX_FEE_FEN,
                                               at=where),
                "extra_units": check.integer(rule, "extra_units", 1, 1_000_000, at=where),
                "extra_fee_fen": check.integer(rule, "extra_fee_fen", 0, MAX_FEE_FEN,
                                               at=where),
            })
        if defaults > 1:
            check.append(FieldError("/rules", "only one rule may leave regions empty "
                                    "(the rule for everywhere else)"))
    check.raise_if_any()
    return clean, rules


def _write_rules(session: Session, template: ShippingTemplate,
                 rules: list[dict[str, Any]]) -> None:
    session.execute(delete(ShippingTemplateRule)
                    .where(ShippingTemplateRule.template_id == template.id))
    for rule in rules:
        session.add(ShippingTemplateRule(template_id=template.id, **rule))


def _set_only_default(session: Session, template: ShippingTemplate) -> None:
    for other in session.scalars(select(ShippingTemplate).where(
            ShippingTemplate.is_default.is_(True), ShippingTemplate.id != template.id)):
        other.is_default = False


def create_template(session: Session, data: Mapping[str, Any]) -> ShippingTemplate:
    clean, rules = _clean_template(data)
    if session.scalar(select(ShippingTemplate.id).limit(1)) is None:
        clean["is_default"] = True
    template = ShippingTemplate(**clean)
    session.add(template)
    session.flush()
    _write_rules(session, template, rules)
    if template.is_default:
        _set_only_default(session, template)
    session.flush()
    return template


def update_template(session: Session, template_id: Any, data: Mapping[str, Any]
                    ) -> ShippingTemplate:
    template = get_template(session, template_id)
    clean, rules = _clean_template(data)
    for name, value in clean.items():
        setattr(template, name, value)
    _write_rules(session, template, rules)
    if template.is_default:
        _set_only_default(session, template)
    session.flush()
    return template


def delete_template(session: Session, template_id: Any) -> None:
    session.delete(get_template(session, template_id))
    session.flush()


def assign_product_template(session: Session, product_id: int, template_id: int | None) -> None:
    """Ship ``product_id`` under a template (None: the shop's default)."""
    session.execute(delete(ProductShippingTemplate)
                    .where(ProductShippingTemplate.product_id == product_id))
    if template_id is not None:
        get_template(session, template_id)
        session.add(ProductShippingTemplate(product_id=product_id, template_id=template_id))
    session.flush()


def template_dict(template: ShippingTemplate, rules: list[ShippingTemplateRule]
                  ) -> dict[str, Any]:
    return {"id": template.id, "name": template.name, "charge_by": template.charge_by,
            "free_over_fen": template.free_over_fen, "free_over_units": template.free_over_units,
            "excluded_regions": list(template.excluded_regions or []),
            "is_default": template.is_default,
            "rules": [{"regions": list(r.regions or []), "first_units": r.first_units,
                       "first_fee_fen": r.first_fee_fen, "extra_units": r.extra_units,
                       "extra_fee_fen": r.extra_fee_fen} for r in rules]}


def load_template_specs(session: Session) -> tuple[dict[int, TemplateSpec], int | None]:
    """Every template of the shop as pure specs, and the default template's id (2 queries)."""
    templates = list_templates(session)
    rules = template_rules(session, [t.id for t in templates])
    specs = {t.id: TemplateSpec(
        id=t.id, name=t.name, charge_by=ChargeBy(t.charge_by),
        rules=tuple(TemplateRule(tuple(r.regions or ()), r.first_units, r.first_fee_fen,
                                 r.extra_units, r.extra_fee_fen) for r in rules[t.id]),
        free_over_fen=t.free_over_fen, free_over_units=t.free_over_units,
        excluded_regions=tuple(t.excluded_regions or ())) for t in templates}
    default = next((t.id for t in templates if t.is_default), None)
    return specs, default


def product_templates(session: Session, product_ids: Sequence[int]) -> dict[int, int]:
    if not product_ids:
        return {}
    return dict(session.execute(
        select(ProductShippingTemplate.product_id, ProductShippingTemplate.template_id)
        .where(ProductShippingTemplate.product_id.in_(sorted(set(product_ids))))).all())


# --- pickup points ---------------------------------------------------------------------------


def list_pickup_points(session: Session, active_only: bool = False) -> list[PickupPoint]:
    query = select(PickupPoint).order_by(PickupPoint.id)
    if active_only:
        query = query.where(PickupPoint.is_active.is_(True))
    return list(session.scalars(query))


def get_pickup_point(session: Session, point_id: Any) -> PickupPoint:
    point = None
    if isinstance(point_id, int) and not isinstance(point_id, bool):
        point = session.get(PickupPoint, point_id)
    if point is None:
        raise NotFound(f"no pickup point {point_id}", code="pickup_point_not_found")
    return point


def _clean_point(data: Mapping[str, Any]) -> dict[str, Any]:
    check = _Checker()
    clean = {"name": check.text(data, "name", 60), "address": check.text(data, "address", 200),
             "phone": check.text(data, "phone", 20, required=False) or "",
             "hours": check.text(data, "hours", 60, required=False) or ""}
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        clean[name] = (check.number(data, name, low, high) if data.get(name) is not None
                       else None)
    active = data.get("is_active", True)
    if not isinstance(active, bool):
        check.append(FieldError("/is_active", "must be true or false", "type"))
    clean["is_active"] = bool(active)
    check.raise_if_any()
    return clean


def create_pickup_point(session: Session, data: Mapping[str, Any]) -> PickupPoint:
    point = PickupPoint(**_clean_point(data))
    session.add(point)
    session.flush()
    return point


def update_pickup_point(session: Session, point_id: Any, data: Mapping[str, Any]
                        ) -> PickupPoint:
    point = get_pickup_point(session, point_id)
    for name, value in _clean_point(data).items():
        setattr(point, name, value)
    session.flush()
    return point


def pickup_point_dict(point: PickupPoint) -> dict[str, Any]:
    return {"id": point.id, "name": point.name, "address": point.address, "phone": point.phone,
            "hours": point.hours, "latitude": point.latitude, "longitude": point.longitude,
            "is_active": point.is_active}


# --- local delivery --------------------------------------------------------------------------


def get_local_delivery(session: Session) -> LocalDelivery | None:
    return session.scalar(select(LocalDelivery))


def set_local_delivery(session: Session, data: Mapping[str, Any]) -> LocalDelivery:
    check = _Checker()
    lat = check.number(data, "origin_lat", -90, 90)
    lng = check.number(data, "origin_lng", -180, 180)
    radius = check.integer(data, "radius_m", 100, 100_000)
    min_order = check.integer(data, "min_order_fen", 0, 100_000_000, required=False) or 0
    free_over = check.integer(data, "free_over_fen", 0, 100_000_000, required=False)
    tiers_in = data.get("tiers")
    tiers: list[dict[str, int]] = []
    if not isinstance(tiers_in, list) or not 1 <= len(tiers_in) <= 20:
        check.append(FieldError("/tiers", "1-20 fee tiers by distance", "required"))
    else:
        for i, tier in enumerate(tiers_in):
            if not isinstance(tier, Mapping):
                check.append(FieldError(f"/tiers/{i}", "must be an object", "type"))
                continue
            up_to = check.integer(tier, "up_to_m", 1, 100_000, at=f"/tiers/{i}")
            fee = check.integer(tier, "fee_fen", 0, MAX_FEE_FEN, at=f"/tiers/{i}")
            if up_to is not None and fee is not None:
                tiers.append({"up_to_m": up_to, "fee_fen": fee})
        ups = [t["up_to_m"] for t in tiers]
        if len(set(ups)) != len(ups):
            check.append(FieldError("/tiers", "each tier needs its own distance"))
    check.raise_if_any()
    row = get_local_delivery(session)
    if row is None:
        row = LocalDelivery(origin_lat=lat, origin_lng=lng, radius_m=radius)
        session.add(row)
    row.origin_lat, row.origin_lng, row.radius_m = lat, lng, radius  # type: ignore[assignment]
    row.tiers = sorted(tiers, key=lambda t: t["up_to_m"])
    row.min_order_fen, row.free_over_fen = min_order, free_over
    session.flush()
    return row


def local_spec(row: LocalDelivery | None) -> LocalDeliverySpec | None:
    if row is None:
        return None
    return LocalDeliverySpec(row.origin_lat, row.origin_lng, row.radius_m,
                             tuple(FeeTier(t["up_to_m"], t["fee_fen"]) for t in row.tiers or []),
                             row.min_order_fen, row.free_over_fen)


def local_delivery_dict(row: LocalDelivery | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"origin_lat": row.origin_lat, "origin_lng": row.origin_lng,
            "radius_m": row.radius_m, "tiers": list(row.tiers or []),
            "min_order_fen": row.min_order_fen, "free_over_fen": row.free_over_fen}


# --- the pricing pipeline's shipping step ----------------------------------------------------


def shipping_calculator(session: Session, method: FulfilmentMethod,
                        address: Mapping[str, Any] | None, pickup_point: PickupPoint | None,
                        product_ids: Sequence[int]) -> Callable[[PricingState], ShippingCharge]:
    """Load what the chosen method needs, and return the pure fee function the pipeline's
    shipping step calls with the goods after discounts."""
    if method == FulfilmentMethod.PICKUP:
        def pickup(_state: PricingState) -> ShippingCharge:
            if pickup_point is None:
                return ShippingCharge(0, False, "请选择自提点", {"method": "pickup"})
            if not pickup_point.is_active:
                return ShippingCharge(0, False, "该自提点已停用", {"method": "pickup"})
            return ShippingCharge(0, True, "", {"method": "pickup",
                                                "pickup_point_id": pickup_point.id})
        return pickup

    if method == FulfilmentMethod.LOCAL:
        spec = local_spec(get_local_delivery(session))
        lat = address.get("latitude") if address else None
        lng = address.get("longitude") if address else None

        def local(state: PricingState) -> ShippingCharge:
            if address is None:
                return ShippingCharge(0, False, "请选择收货地址", {"method": "local"})
            return local_fee(spec, lat, lng, state.goods_payable_fen)
        return local

    specs, default_id = load_template_specs(session)
    by_product = product_templates(session, product_ids)
    region = (RegionRef(str(address.get("province", "")), str(address.get("city", "")),
                        str(address.get("district", "")), str(address.get("adcode", "")))
              if address else None)

    def express(state: PricingState) -> ShippingCharge:
        lines = [FeeLine(line.key, line.qty, line.weight_g, state.line_payable[line.key],
                         by_product.get(line.product_id)) for line in state.lines]
        return express_fee(lines, region, specs, default_id)
    return express
