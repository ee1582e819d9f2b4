"""The test module's pricing steps: the shop's ``discount_fen`` off the goods, and a toy
activity of kind ``testmod`` whose id is its price in fen (to be paid within 5 minutes)."""

from __future__ import annotations

from runtime.modules.switches import settings_of

ACTIVITY_PAY_MINUTES = 5


class TestmodDiscount:
    name = "testmod_discount"
    position = 150

    def prepare(self, session, request, ctx) -> int:
        return settings_of(session, "testmod")["discount_fen"]

    def apply(self, state) -> None:
        if state.is_activity_order:
            return
        amount = state.data.get(self.name) or 0
        state.add_adjustment(self.name, "测试立减", amount)


class TestmodActivity:
    name = "testmod"
    position = 50

    def apply(self, state) -> None:
        activity = state.request.activity
        if activity is None or activity.kind != self.name:
            return
        line = state.lines[0]
        source = f"testmod:{activity.id}"
        state.add_adjustment(source, "测试活动价", line.total_fen - activity.id * line.qty)
        state.activity_priced_by = source
        state.pay_within_minutes = ACTIVITY_PAY_MINUTES


TESTMOD_DISCOUNT = TestmodDiscount()
TESTMOD_ACTIVITY = TestmodActivity()
