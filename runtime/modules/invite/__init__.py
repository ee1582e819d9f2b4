"""The invite module (optional, 邀请有礼): a member shares a link with their invite code; a new
member who opens it is bound to them once, and when the invitee registers (or first pays, as
the merchant picks) both get the shop's points and/or coupons, within per-inviter limits."""

from __future__ import annotations

from runtime.modules.contract import Module

module = Module(
    models="runtime.modules.invite.models",
    migrations="migrations",
    api=("runtime.modules.invite.api:invite_api",),
    console="builder.invite",
    blocks="blocks",
    hooks=("runtime.modules.invite.hooks",),
    seeders=("runtime.modules.invite.demo:seed_demo_invite",),
    openapi=("runtime.modules.invite.api:OPENAPI",),
    docs="docs/modules/invite.md",
    tests="tests/invite",
)
