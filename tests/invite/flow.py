"""Helpers for the invite tests: shoppers through the real API, reads in the shop."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from runtime.modules.invite.models import Invitation
from runtime.modules.points import service as points
from tests.aftersales.flow import read
from tests.orders.flow import Shopper

_n = iter(range(1, 10_000))


def member(app, factory, shop, **kw: Any) -> Shopper:
    """A logged-in member of ``shop`` (``kw``: columns of the member row)."""
    person = factory.member(shop, openid=f"iv-{next(_n)}", **kw)
    return Shopper(app, app.test_client(), shop, person, factory.member_token(shop, person))


def code_of(person: Shopper) -> str:
    return person.call("GET", "/invite/me").json["code"]


def bind(person: Shopper, code: str, expect: int = 200) -> Any:
    return person.call("POST", "/invite/bind", {"code": code}, expect).json


def balance(factory, shop, person: Shopper) -> int:
    return read(factory, shop, lambda s: points.balance_of(s, person.member.id))


def invitations(factory, shop) -> list[Invitation]:
    return read(factory, shop, lambda s: list(s.scalars(select(Invitation)
                                                        .order_by(Invitation.id))))
