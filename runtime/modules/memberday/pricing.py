"""The member-day price: a stage-2 offer per line (position 120), so each line gets the
better of it, the member level's price and a limited-time discount — never two of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import PricingRequest, PricingState, percent_of


class MemberDayPrice:
    name = "memberday"
    position = 120

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> tuple[int, str] | None:
        from runtime.modules.memberday import service

        if request.member_id is None or request.activity is not None:
            return None
        rules = service.rules_for(session, request.member_id)
        if rules is None or rules.discount_percent >= 100:
            return None
        return rules.discount_percent, rules.title

    def apply(self, state: PricingState) -> None:
        offered: tuple[int, str] | None = state.data.get(self.name)
        if offered is None or state.is_activity_order:
            return
        percent, title = offered
        label = f"{title} {percent / 10:g}折"
        for key, payable in state.line_payable.items():
            state.offer(key, self.name, label, payable - percent_of(payable, percent),
                        {"discount_percent": percent})


MEMBER_DAY = MemberDayPrice()
