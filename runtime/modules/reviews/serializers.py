"""Reviews as JSON: for shoppers (no member id; a masked name when anonymous), for the
member who wrote them, and for the merchant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from runtime.media.models import MediaAsset
from runtime.media.refs import load_assets, media_url
from runtime.modules.reviews.models import Review, ReviewSlot
from runtime.modules.reviews.service import masked


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def review_assets(session: Session, reviews: Iterable[Review]) -> dict[int, MediaAsset]:
    return load_assets(session, [ref for r in reviews
                                 for ref in [*(r.images or []), *(r.followup_images or [])]])


def _photos(refs: list[dict[str, Any]], assets: Mapping[int, MediaAsset]) -> list[dict[str, Any]]:
    out = []
    for ref in refs or []:
        url = media_url(ref, assets=assets)
        if url:
            out.append({"media_id": ref.get("media_id"), "url": url,
                        "thumb": media_url(ref, 300, assets=assets) or url})
    return out


def public_review(review: Review, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
    followup = None
    if review.followup_at is not None:
        followup = {"content": review.followup_content,
                    "images": _photos(review.followup_images, assets),
                    "created_at": _iso(review.followup_at)}
    return {
        "id": review.id, "product_id": review.product_id, "spec_text": review.spec_text,
        "stars": review.stars, "content": review.content,
        "images": _photos(review.images, assets), "anonymous": review.anonymous,
        "nickname": masked(review.nickname) if review.anonymous else (review.nickname
                                                                       or "微信用户"),
        "avatar_url": "" if review.anonymous else review.avatar_url,
        "automatic": review.automatic, "pinned": review.pinned_at is not None,
        "reply": review.reply or None, "replied_at": _iso(review.replied_at),
        "followup": followup, "created_at": _iso(review.created_at),
    }


def member_review(review: Review, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
    """The author's own view: the order and line, and whether it is shown."""
    return {**public_review(review, assets), "order_id": review.order_id,
            "line_id": review.line_id, "status": review.status, "hidden": review.hidden,
            "can_follow_up": review.followup_at is None}


def merchant_review(review: Review, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
    return {**member_review(review, assets), "member_id": review.member_id,
            "member_nickname": review.nickname, "pinned_at": _iso(review.pinned_at)}


def slot_json(slot: ReviewSlot, assets: Mapping[int, MediaAsset]) -> dict[str, Any]:
    return {"order_id": slot.order_id, "line_id": slot.line_id,
            "product_id": slot.product_id, "title": slot.title, "spec_text": slot.spec_text,
            "image": media_url(slot.image, 300, assets=assets) if slot.image else None,
            "completed_at": _iso(slot.completed_at), "auto_review_at": _iso(slot.auto_due_at)}
