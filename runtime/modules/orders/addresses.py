"""A member's delivery addresses (收货地址), with one default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.errors import FieldError, NotFound, ValidationFailed
from runtime.fielderrors import FieldErrors
from runtime.modules.orders import locks
from runtime.modules.orders.errors import OrderErrorCode
from runtime.modules.orders.models import Address

MAX_ADDRESSES = 30
PHONE = re.compile(r"^(?:1\d{10}|0\d{2,3}-?\d{7,8}|\+?\d{6,15})$")
ADCODE = re.compile(r"^\d{6}$")
TEXT_FIELDS = {"name": 32, "phone": 20, "province": 32, "city": 32, "district": 32,
               "detail": 200, "adcode": 6, "postal_code": 10}
REQUIRED = ("name", "phone", "province", "city", "detail")


def list_addresses(session: Session, member_id: int) -> list[Address]:
    return list(session.scalars(select(Address).where(Address.member_id == member_id)
                                .order_by(Address.is_default.desc(), Address.id.desc())))


def get_address(session: Session, member_id: int, address_id: Any) -> Address:
    address = None
    if isinstance(address_id, int) and not isinstance(address_id, bool):
        address = session.scalar(select(Address).where(Address.id == address_id,
                                                       Address.member_id == member_id))
    if address is None:
        raise NotFound(f"no address {address_id}", code=OrderErrorCode.ADDRESS_NOT_FOUND.value)
    return address


def default_address(session: Session, member_id: int) -> Address | None:
    return session.scalar(select(Address).where(Address.member_id == member_id)
                          .order_by(Address.is_default.desc(), Address.id.desc()).limit(1))


def _clean(data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for name, limit in TEXT_FIELDS.items():
        if name not in data:
            if not partial and name in REQUIRED:
                errors.append(FieldError(f"/{name}", f"{name} is required", "required"))
            continue
        value = data[name]
        if not isinstance(value, str):
            errors.append(FieldError(f"/{name}", "must be a string", "type"))
            continue
        value = value.strip()
        if name in REQUIRED and not value:
            errors.append(FieldError(f"/{name}", f"{name} is required", "required"))
        elif len(value) > limit:
            errors.append(FieldError(f"/{name}", f"at most {limit} characters", "max_length"))
        elif name == "phone" and not PHONE.match(value):
            errors.append(FieldError("/phone", "not a phone number", "pattern"))
        elif name == "adcode" and value and not ADCODE.match(value):
            errors.append(FieldError("/adcode", "a 6-digit region code", "pattern"))
        else:
            clean[name] = value
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if name in data:
            value = data[name]
            if value is None:
                clean[name] = None
            elif isinstance(value, bool) or not isinstance(value, int | float) \
                    or not low <= value <= high:
                errors.append(FieldError(f"/{name}", f"a number from {low} to {high}"))
            else:
                clean[name] = float(value)
    if "is_default" in data:
        if not isinstance(data["is_default"], bool):
            errors.append(FieldError("/is_default", "must be true or false", "type"))
        else:
            clean["is_default"] = data["is_default"]
    unknown = set(data) - set(TEXT_FIELDS) - {"latitude", "longitude", "is_default", "id"}
    errors += [FieldError(f"/{name}", "unknown field", "unknown") for name in sorted(unknown)]
    errors.raise_if_any()
    return clean


def _make_default(session: Session, member_id: int, address: Address) -> None:
    for other in session.scalars(locks.member_addresses_for_update(member_id)):
        other.is_default = other.id == address.id


def create_address(session: Session, member_id: int, data: Mapping[str, Any]) -> Address:
    clean = _clean(data, partial=False)
    existing = list(session.scalars(locks.member_addresses_for_update(member_id)))
    if len(existing) >= MAX_ADDRESSES:
        raise ValidationFailed.single("", f"at most {MAX_ADDRESSES} addresses", "max_items")
    make_default = clean.pop("is_default", False) or not existing
    address = Address(member_id=member_id, is_default=False, **clean)
    session.add(address)
    session.flush()
    if make_default:
        _make_default(session, member_id, address)
        session.flush()
    return address


def update_address(session: Session, member_id: int, address_id: Any,
                   data: Mapping[str, Any]) -> Address:
    clean = _clean(data, partial=True)
    address = get_address(session, member_id, address_id)
    make_default = clean.pop("is_default", None)
    for name, value in clean.items():
        setattr(address, name, value)
    if make_default:
        _make_default(session, member_id, address)
    elif make_default is False and address.is_default:
        address.is_default = False
    session.flush()
    return address


def delete_address(session: Session, member_id: int, address_id: Any) -> None:
    """Delete; when it was the default, the newest remaining address becomes the default."""
    address = get_address(session, member_id, address_id)
    was_default = address.is_default
    session.delete(address)
    session.flush()
    if was_default:
        remaining = default_address(session, member_id)
        if remaining is not None:
            _make_default(session, member_id, remaining)
            session.flush()


def address_dict(address: Address) -> dict[str, Any]:
    return {"id": address.id, **address.snapshot(), "is_default": address.is_default}
