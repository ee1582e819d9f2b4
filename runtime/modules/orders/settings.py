"""The shop's order settings: unpaid timeout, auto-confirm, payment and fulfilment options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.fielderrors import FieldErrors
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
    errors = FieldErrors()
    clean: dict[str, Any] = {}
    for name in data:
        if name in INT_FIELDS:
            clean[name] = errors.integer(data, name, *INT_FIELDS[name])
        elif name in BOOL_FIELDS:
            clean[name] = errors.boolean(data, name)
        else:
            errors.add(f"/{name}", "unknown setting", "unknown")
    row = get_settings(session)
    merged = {**settings_dict(row), **clean}
    if not errors and not (merged["allow_express"] or merged["allow_pickup"]
                           or merged["allow_local"]):
        errors.add("/allow_express", "keep at least one fulfilment method on")
    if not errors and not (merged["allow_wechatpay"] or merged["allow_wallet"]
                           or merged["allow_cod"]):
        errors.add("/allow_wechatpay", "keep at least one payment method on")
    errors.raise_if_any()
    for name, value in clean.items():
        setattr(row, name, value)
    session.flush()
    return row
