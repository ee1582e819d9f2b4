"""invite: the shop's invite rewards for every instance (no queries): the API path, the
trigger and what each side gets, in a shopper's words. The member's own code, link, QR code
and counts come from ``GET /api/v1/shops/<shop>/invite/me`` on the client, so a cached page
is the same for every shopper."""

from __future__ import annotations

from typing import Any

from runtime.modules.invite.settings import MODULE_ID, InviteSettings


def reward_text(points: int, coupons: int) -> str:
    """``100 积分 + 1 张券`` (or 无 when nothing is set)."""
    parts = ([f"{points} 积分"] if points else []) + ([f"{coupons} 张券"] if coupons else [])
    return " + ".join(parts) or "无"


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    rules = InviteSettings.from_dict(ctx.module_settings(MODULE_ID))
    data = {"api": f"/api/v1/shops/{ctx.shop.slug}", "title": rules.title,
            "trigger": rules.trigger,
            "trigger_text": "好友首单付款后发放" if rules.on_payment else "好友注册后发放",
            "inviter_text": reward_text(rules.inviter_points,
                                        len(rules.inviter_coupon_template_ids)),
            "invitee_text": reward_text(rules.invitee_points,
                                        len(rules.invitee_coupon_template_ids))}
    return {instance.id: data for instance in batch}
