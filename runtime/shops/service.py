"""Creating and finding shops."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import Conflict, FieldError, NotFound
from runtime.fielderrors import FieldErrors
from runtime.shops.models import Shop
from runtime.shoptime import DEFAULT_ZONE, is_known_zone

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_SLUGS = frozenset({"api", "admin", "console", "static", "www", "healthz", "platform"})


def validate_shop_fields(slug: str, name: str, timezone: str) -> None:
    errors = FieldErrors()
    if not SLUG_RE.match(slug or ""):
        errors.append(FieldError("/slug", "3-40 lowercase letters, digits or dashes, "
                                          "starting and ending with a letter or digit", "pattern"))
    elif slug in RESERVED_SLUGS:
        errors.append(FieldError("/slug", "this address is reserved", "reserved"))
    if not (name or "").strip() or len(name) > 120:
        errors.append(FieldError("/name", "a name of 1-120 characters is required", "required"))
    if not is_known_zone(timezone):
        errors.append(FieldError("/timezone", "unknown time zone", "enum"))
    errors.raise_if_any()


def create_shop(session: Session, *, slug: str, name: str,
                timezone: str = DEFAULT_ZONE) -> Shop:
    slug = (slug or "").strip().lower()
    validate_shop_fields(slug, name, timezone)
    if session.scalar(select(Shop.id).where(Shop.slug == slug)) is not None:
        raise Conflict(f"a shop with the slug '{slug}' already exists", code="slug_taken",
                       extra={"errors": [{"pointer": "/slug", "message": "already taken",
                                          "code": "unique"}]})
    shop = Shop(slug=slug, name=name.strip(), timezone=timezone, settings={})
    session.add(shop)
    session.flush()
    return shop


def get_shop_by_slug(session: Session, slug: str) -> Shop:
    shop = session.scalar(select(Shop).where(Shop.slug == slug, Shop.status == "active"))
    if shop is None:
        raise NotFound(f"no shop '{slug}'", code="shop_not_found")
    return shop


PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{2,30}$")

#: Offered first in the console's time-zone picker; any IANA zone is accepted.
COMMON_TIMEZONES = (DEFAULT_ZONE, "Asia/Hong_Kong", "Asia/Taipei", "Asia/Macau",
                    "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", "Europe/London",
                    "Europe/Berlin", "America/New_York", "America/Los_Angeles",
                    "Australia/Sydney", "UTC")


def update_shop(session: Session, shop: Shop, *, name: str, timezone: str,
                contact_phone: str) -> Shop:
    """Change a shop's name, time zone and contact phone (validated together)."""
    name = (name or "").strip()
    contact_phone = (contact_phone or "").strip()
    errors = FieldErrors()
    if not name or len(name) > 120:
        errors.append(FieldError("/name", "a name of 1-120 characters is required", "required"))
    if not is_known_zone(timezone):
        errors.append(FieldError("/timezone", "unknown time zone", "enum"))
    if contact_phone and not PHONE_RE.match(contact_phone):
        errors.append(FieldError("/contact_phone", "digits, spaces and dashes, optionally "
                                 "starting with +", "pattern"))
    errors.raise_if_any()
    shop.name = name
    shop.timezone = timezone
    shop.contact_phone = contact_phone
    session.flush()
    return shop
