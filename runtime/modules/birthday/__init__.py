"""The birthday module (optional, 生日礼遇): coupons for a member's birthday — on the day or
in the birthday month, shop-local — once a year per member. Birthday points stay with the
points module (per member level)."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.birthday.models",
    migrations="migrations",
    console="builder.birthday",
    jobs={"birthday-coupons": "runtime.modules.birthday.service:birthday_coupons_job"},
    seeders=("runtime.modules.birthday.demo:seed_demo_birthday",),
    docs="docs/modules/birthday.md",
    tests="tests/birthday",
)
