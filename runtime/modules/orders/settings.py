"""The shop's order settings: unpaid timeout, auto-confirm, payment and fulfilment options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.errors import FieldError, ValidationFailed
from runtime.modules.orders.models import OrderSettings

INT_FIELDS = {"unpaid_timeout_minutes": (1, 10080), "auto_confirm_days": (1, 60)}
BOOL_FIELDS = ("allow_wechatpay", "allow_wallet", "allow_cod", "allow_express", "allow_pickup",
               "allow_local", "invoice_enabled")


def get_settings(session: Session) -> OrderSettings:
    """The shop's settings row, created with the defaults on first use."""
    row = session.scalar(select(OrderSettings))
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = OrderSettings(unpaid_timeout_minutes=30, auto_confirm_days=7,
                                allow_wechatpay=True, allow_wallet=True, allow_cod=False,
                                allow_express=True, allow_pickup=False, allow_local=False,
                                invoice_enabled=False)
            session.add(row)
        return row
    except IntegrityError:
        return session.scalars(select(OrderSettings)).one()


def settings_dict(row: OrderSettings) -> dict[str, Any]:
    return {name: getattr(row, name) for name in (*INT_FIELDS, *BOOL_FIELDS)}


def update_settings(session: Session, data: Mapping[str, Any]) -> OrderSettings:
    """Change some settings; every wrong field is named in one 422."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for name, value in data.items():
        if name in INT_FIELDS:
            low, high = INT_FIELDS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                errors.append(FieldError(f"/{name}", f"a whole number from {low} to {high}"))
            else:
                clean[name] = value
        elif name in BOOL_FIELDS:
            if not isinstance(value, bool):
                errors.append(FieldError(f"/{name}", "must be true or false", "type"))
            else:
                clean[name] = value
        else:
            errors.append(FieldError(f"/{name}", "unknown setting", "unknown"))
    row = get_settings(session)
    merged = {**settings_dict(row), **clean}
    if not errors and not (merged["allow_express"] or merged["allow_pickup"]
                           or merged["allow_local"]):
        errors.append(FieldError("/allow_express", "keep at least one fulfilment method on"))
    if not errors and not (merged["allow_wechatpay"] or merged["allow_wallet"]
                           or merged["allow_cod"]):
        errors.append(FieldError("/allow_wechatpay", "keep at least one payment method on"))
    if errors:
        raise ValidationFailed(errors)
    for name, value in clean.items():
        setattr(row, name, value)
    session.flush()
    return row
