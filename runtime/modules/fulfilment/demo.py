"""Demo data for the money path: delivery options a shopper can try in the demo shop."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.modules.fulfilment import service
from runtime.modules.orders.settings import update_settings
from runtime.shops.models import Shop

SHENZHEN_NANSHAN = (22.5431, 113.9365)


def seed_demo_fulfilment(session: Session, _shop: Shop) -> None:
    """A nationwide shipping template, a pickup point and local delivery (idempotent)."""
    update_settings(session, {"allow_pickup": True, "allow_local": True, "allow_cod": True,
                              "invoice_enabled": True})
    if not service.list_templates(session):
        service.create_template(session, {
            "name": "全国包邮满 99", "charge_by": "piece", "free_over_fen": 9900,
            "excluded_regions": ["香港特别行政区", "澳门特别行政区", "台湾省"],
            "rules": [
                {"regions": [], "first_units": 1, "first_fee_fen": 800, "extra_units": 1,
                 "extra_fee_fen": 200},
                {"regions": ["650000", "540000"], "first_units": 1, "first_fee_fen": 2000,
                 "extra_units": 1, "extra_fee_fen": 1000},
            ]})
    if not service.list_pickup_points(session):
        service.create_pickup_point(session, {
            "name": "南山旗舰店", "address": "广东省深圳市南山区科技园南区 1 号",
            "phone": "0755-86000000", "hours": "10:00-22:00",
            "latitude": SHENZHEN_NANSHAN[0], "longitude": SHENZHEN_NANSHAN[1]})
    if service.get_local_delivery(session) is None:
        service.set_local_delivery(session, {
            "origin_lat": SHENZHEN_NANSHAN[0], "origin_lng": SHENZHEN_NANSHAN[1],
            "radius_m": 5000, "min_order_fen": 2000, "free_over_fen": 19900,
            "tiers": [{"up_to_m": 2000, "fee_fen": 300}, {"up_to_m": 5000, "fee_fen": 600}]})
