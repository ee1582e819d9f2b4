"""Demo data of the coupons module: switched on with coupons to claim (what the demo home's
领券 entry and coupon strip lead to), a new-member gift, and a 领券中心 page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.modules import switches
from runtime.modules.coupons import templates
from runtime.modules.coupons.models import CouponTemplate
from runtime.shops.models import Shop

DEMO_TEMPLATES: tuple[dict[str, Any], ...] = (
    {"name": "满100减10", "kind": "amount", "amount_fen": 1000, "min_spend_fen": 10000,
     "valid_days": 30, "total": 1000, "per_member_limit": 1},
    {"name": "无门槛5元券", "kind": "amount", "amount_fen": 500, "min_spend_fen": 0,
     "valid_days": 7, "total": 500, "per_member_limit": 1},
    {"name": "全场9折券", "kind": "percent", "discount_percent": 90, "max_discount_fen": 3000,
     "min_spend_fen": 5000, "valid_days": 14, "total": -1, "per_member_limit": 2},
    {"name": "新人专享满50减15", "kind": "amount", "amount_fen": 1500, "min_spend_fen": 5000,
     "valid_days": 30, "claimable": False, "total": -1, "per_member_limit": 1},
)
CENTRE_PAGE = "coupons"


def seed_demo(session: Session, shop: Shop) -> None:
    """Idempotent: templates by name, the centre page once."""
    if not switches.is_enabled(session, "coupons"):
        switches.enable(session, "coupons")
    have = set(session.scalars(select(CouponTemplate.name)))
    made = {}
    for values in DEMO_TEMPLATES:
        if values["name"] not in have:
            made[values["name"]] = templates.create_template(session, values)
    gift = made.get("新人专享满50减15")
    if gift is not None:
        switches.update_settings(session, "coupons", {
            **switches.settings_of(session, "coupons"), "signup_template_ids": [gift.id]})
    _seed_pages(session, shop)


def _even_columns(count: int, columns: int) -> int:
    """Icons per row that fill every row (5, 4 or 3), else ``columns`` as it was: a sixth
    entry in a row of five would stand alone on a second row."""
    return next((n for n in (5, 4, 3) if count % n == 0), columns)


def _seed_pages(session: Session, shop: Shop) -> None:
    """A 领券中心 page, the home page's 领券 entry pointing at it and a coupon strip under
    the shortcuts (a home page the merchant changed is left alone)."""
    from runtime.blocklib.demo import seed_demo_home
    from runtime.extension import state
    from runtime.pages import store

    regs = state().registries["pages"]
    seed_demo_home(session, shop)  # the theme's home first (its seeder runs after modules')
    if store.live_config(session, CENTRE_PAGE) is None:
        page = (store.find_page(session, CENTRE_PAGE)
                or store.create_page(session, CENTRE_PAGE, "领券中心", regs))
        config = {"schema": 1, "title": "领券中心", "kind": "custom", "blocks": [
            {"id": "centre", "type": "coupon-centre", "version": 1, "settings": {}}]}
        page = store.save_draft(session, CENTRE_PAGE, config, page.draft_revision, regs)
        store.publish(session, CENTRE_PAGE, revision=page.draft_revision, registries=regs)
    live = store.live_config(session, "home")
    assert live is not None
    config = live[1].config
    if any(b["type"] == "coupon-strip" for b in config["blocks"]):
        return
    link = {"kind": "page", "slug": CENTRE_PAGE}
    blocks = []
    for block in config["blocks"]:
        blocks.append(block)
        if block["type"] == "icon-nav":
            entries = block["settings"].get("entries", [])
            coupon = next((e for e in entries if e.get("icon") == "coupon"), None)
            if coupon is None:
                entries.append({"title": "领券", "icon": "coupon", "image": None, "color": "",
                                "link": link})
                block["settings"]["columns"] = _even_columns(
                    len(entries), block["settings"].get("columns", 5))
            else:
                coupon["link"] = link
            blocks.append({"id": "coupons", "type": "coupon-strip", "version": 1,
                           "settings": {}})
    page = store.ensure_page(session, "home", regs)
    page = store.save_draft(session, "home", {**config, "blocks": blocks},
                            page.draft_revision, regs)
    store.publish(session, "home", revision=page.draft_revision, registries=regs)
