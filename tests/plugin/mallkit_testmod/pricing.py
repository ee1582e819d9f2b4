"""The test module's pricing step: the shop's ``discount_fen`` off the goods."""

from __future__ import annotations

from runtime.modules.switches import settings_of


class TestmodDiscount:
    name = "testmod_discount"
    position = 150

    def prepare(self, session, request, ctx) -> int:
        return settings_of(session, "testmod")["discount_fen"]

    def apply(self, state) -> None:
        amount = state.data.get(self.name) or 0
        state.add_adjustment(self.name, "测试立减", amount)


TESTMOD_DISCOUNT = TestmodDiscount()
