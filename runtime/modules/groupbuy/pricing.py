"""The group buy's pricing step (position 50): the group price, or the leader price for a
buyer opening a group, as one adjustment ``groupbuy:<activity id>``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import PricingRequest, PricingState


@dataclass(frozen=True)
class GroupbuyPrice:
    source: str
    label: str
    unit_price_fen: int


class GroupbuyStep:
    name = "groupbuy"
    position = 50

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> GroupbuyPrice | None:
        from runtime.modules.groupbuy import groups

        ref = request.activity
        if ref is None or ref.kind != groups.KIND or len(request.lines) != 1:
            return None
        line = request.lines[0]
        chosen = groups.offer(session, ref, request.member_id, line.sku_id, line.qty)
        label = (f"{chosen.activity.group_size}人团 团长价" if chosen.leader_price
                 else f"{chosen.activity.group_size}人团 拼团价")
        return GroupbuyPrice(groups.source_of(chosen.activity.id), label,
                             chosen.unit_price_fen)

    def apply(self, state: PricingState) -> None:
        price: GroupbuyPrice | None = state.data.get(self.name)
        if price is None:
            return
        line = state.lines[0]
        amount = max(line.unit_price_fen - price.unit_price_fen, 0) * line.qty
        state.add_adjustment(price.source, price.label, amount,
                             meta={"unit_price_fen": price.unit_price_fen})
        state.activity_priced_by = price.source


GROUPBUY = GroupbuyStep()
