"""The member level's pricing step (会员价, and free shipping for levels that give it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import PricingRequest, PricingState, percent_of


@dataclass(frozen=True)
class MemberPricing:
    """What the pipeline knows about the buyer's level."""

    member_id: int
    level_name: str = ""
    discount_percent: int = 100  # 95 = pays 95 % (九五折); 100 = no member discount
    free_shipping: bool = False


class MemberLevelDiscount:
    """The member price: the level's rate on each line (rounded half up per line), offered
    in stage 2 against a limited-time discount (per line the larger saving wins, never
    both); a level with free shipping waives the fee the shipping step charges later."""

    name = "member_level"
    position = 100

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> MemberPricing | None:
        from runtime.modules.members.levels import member_benefits

        if request.member_id is None:
            return None
        benefits = member_benefits(session, request.member_id)
        return MemberPricing(member_id=request.member_id, level_name=benefits.level_name,
                             discount_percent=benefits.discount_percent,
                             free_shipping=benefits.free_shipping)

    def apply(self, state: PricingState) -> None:
        member: MemberPricing | None = state.data.get(self.name)
        if member is None:
            return
        if member.free_shipping:
            state.free_shipping_by = self.name
        if member.discount_percent >= 100 or state.is_activity_order:
            return
        label = f"{member.level_name} 会员折扣" if member.level_name else "会员折扣"
        meta = {"discount_percent": member.discount_percent}
        for key, payable in state.line_payable.items():
            state.offer(key, self.name, label,
                        payable - percent_of(payable, member.discount_percent), meta)


MEMBER_LEVEL = MemberLevelDiscount()
