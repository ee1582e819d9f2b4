"""The stored-value step (储值) of the pricing pipeline: the whole payable from the balance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from runtime.pricing import PricingRequest, PricingState


class BalanceCover:
    """Shows the balance on every quote; with ``use_balance`` the balance must cover the
    whole payable (it is taken when the order is paid with method ``wallet``)."""

    name = "balance"
    position = 950

    def prepare(self, session: Session, request: PricingRequest,
                ctx: Mapping[str, Any]) -> int | None:
        from runtime.modules.wallet.service import balance_of

        if request.member_id is None:
            return None
        return balance_of(session, request.member_id).balance_fen

    def apply(self, state: PricingState) -> None:
        available: int | None = state.data.get(self.name)
        state.balance_available_fen = available
        if not state.request.use_balance:
            return
        payable = state.goods_payable_fen + state.shipping.fee_fen
        if available is None:
            state.error("/use_balance", "paying with balance is not available",
                        "balance_unavailable")
        elif available < payable:
            state.error("/use_balance", f"the balance ({available} fen) does not cover the "
                        f"payable amount ({payable} fen)", "insufficient_balance")
        else:
            state.balance_fen = payable


BALANCE = BalanceCover()
