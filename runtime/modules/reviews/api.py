"""Reviews API under ``/api/v1/shops/<shop>/``: ``reviews`` (a member writes one for a line,
or reads their own and the lines still to review), ``reviews/photos`` (upload a photo),
``reviews/<id>/follow-up`` and the public ``products/<id>/reviews``; and the H5 pages
``/s/<shop>/reviews`` (评价中心) and ``/s/<shop>/products/<id>/reviews`` (全部评价). Every
route answers 404 while the shop has the module off."""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from runtime.api import render_shell_page, shop_api_blueprint, shop_pages_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import FieldError, ValidationFailed
from runtime.http import json_body
from runtime.media.refs import load_assets, media_url
from runtime.modules.members.auth import current_member, member_required
from runtime.modules.reviews import serializers, service
from runtime.tenancy import db

reviews_api = shop_api_blueprint("reviews_api", __name__)
TAGS = ["reviews"]
MAX_PER_PAGE = 50

OPENAPI = ApiComponents()
_PHOTO = {"type": "object", "properties": {"media_id": {"type": "integer"},
                                           "url": {"type": "string"},
                                           "thumb": {"type": "string"}}}
OPENAPI.schema("Review", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "product_id": {"type": "integer"},
        "spec_text": {"type": "string"}, "stars": {"type": "integer", "minimum": 1,
                                                   "maximum": 5},
        "content": {"type": "string"}, "images": {"type": "array", "items": _PHOTO},
        "anonymous": {"type": "boolean"},
        "nickname": {"type": "string", "description": "masked (张***三) when anonymous"},
        "avatar_url": {"type": "string"}, "automatic": {"type": "boolean"},
        "pinned": {"type": "boolean"}, "reply": {"type": ["string", "null"]},
        "replied_at": {"type": ["string", "null"], "format": "date-time"},
        "followup": {"type": ["object", "null"], "properties": {
            "content": {"type": "string"}, "images": {"type": "array", "items": _PHOTO},
            "created_at": {"type": "string", "format": "date-time"}}},
        "created_at": {"type": "string", "format": "date-time"},
    },
})
OPENAPI.schema("MemberReview", {"allOf": [{"$ref": "#/components/schemas/Review"}, {
    "type": "object", "properties": {
        "order_id": {"type": "integer"}, "line_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["published", "pending"]},
        "hidden": {"type": "boolean"}, "can_follow_up": {"type": "boolean"}}}]})
OPENAPI.schema("ProductRating", {
    "type": "object",
    "properties": {"product_id": {"type": "integer"}, "count": {"type": "integer"},
                   "average": {"type": ["number", "null"]},
                   "good_rate": {"type": ["integer", "null"]},
                   "counts": {"type": "object", "properties": {
                       k: {"type": "integer"} for k in service.FILTERS}}},
})
OPENAPI.schema("ProductReviews", {
    "type": "object",
    "properties": {"rating": {"$ref": "#/components/schemas/ProductRating"},
                   "items": {"type": "array", "items": {"$ref": "#/components/schemas/Review"}},
                   "total": {"type": "integer"}, "page": {"type": "integer"},
                   "per_page": {"type": "integer"}, "filter": {"type": "string"}},
})
OPENAPI.schema("MyReviews", {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/MemberReview"}},
        "to_review": {"type": "array", "items": {"type": "object", "properties": {
            "order_id": {"type": "integer"}, "line_id": {"type": "integer"},
            "product_id": {"type": "integer"}, "title": {"type": "string"},
            "spec_text": {"type": "string"}, "image": {"type": ["string", "null"]},
            "completed_at": {"type": "string", "format": "date-time"},
            "auto_review_at": {"type": ["string", "null"], "format": "date-time"}}}},
    },
})
OPENAPI.schema("ReviewPhoto", {
    "type": "object", "properties": {"media_id": {"type": "integer"},
                                     "url": {"type": "string"}}})
_PHOTOS_IN = {"type": "array", "maxItems": service.MAX_IMAGES, "items": {
    "type": "object", "required": ["media_id"],
    "properties": {"media_id": {"type": "integer", "minimum": 1}}}}
WRITE_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["order_id", "line_id", "stars"],
    "properties": {"order_id": {"type": "integer", "minimum": 1},
                   "line_id": {"type": "integer", "minimum": 1},
                   "stars": {"type": "integer", "minimum": 1, "maximum": 5},
                   "content": {"type": "string", "maxLength": service.MAX_TEXT},
                   "images": _PHOTOS_IN, "anonymous": {"type": "boolean"}}}}}}
FOLLOWUP_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["content"],
    "properties": {"content": {"type": "string", "minLength": 1,
                               "maxLength": service.MAX_TEXT},
                   "images": _PHOTOS_IN}}}}}


@reviews_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


@reviews_api.post("/reviews")
@member_required
@operation(tags=TAGS, requestBody=WRITE_BODY,
           responses={"201": json_response("MemberReview", "Reviewed"),
                      "409": {"description": "order_not_completed or already_reviewed"}})
def write_review():
    """Review one line of a completed order (once per line)."""
    session, member = db(), current_member()
    review = service.write_review(session, member.id, json_body())
    session.commit()
    return jsonify(serializers.member_review(
        review, serializers.review_assets(session, [review]))), 201


@reviews_api.get("/reviews")
@member_required
@operation(tags=TAGS, responses={"200": json_response("MyReviews")})
def my_reviews():
    """The member's own reviews, and the completed lines still to review."""
    session, member = db(), current_member()
    reviews = service.member_reviews(session, member.id)
    slots = service.lines_to_review(session, member.id)
    assets = serializers.review_assets(session, reviews)
    assets.update(load_assets(session, [s.image for s in slots if s.image]))
    return jsonify({"items": [serializers.member_review(r, assets) for r in reviews],
                    "to_review": [serializers.slot_json(s, assets) for s in slots]})


@reviews_api.post("/reviews/photos")
@member_required
@operation(tags=TAGS, responses={"201": json_response("ReviewPhoto", "Uploaded")},
           requestBody={"content": {"multipart/form-data": {"schema": {
               "type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary"}}}}}})
def upload_photo():
    """Upload a photo for a review (multipart ``file``); refer to it as ``{"media_id"}``."""
    session, member = db(), current_member()
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise ValidationFailed([FieldError("/file", "the photo is too large", "too_large")]) \
            from None
    if upload is None or not upload.filename:
        raise ValidationFailed([FieldError("/file", "choose a photo to upload", "required")])
    asset = service.upload_photo(session, member.id, upload.read(), upload.filename)
    session.commit()
    return jsonify({"media_id": asset.id, "url": media_url(asset)}), 201


@reviews_api.post("/reviews/<int:review_id>/follow-up")
@member_required
@operation(tags=TAGS, requestBody=FOLLOWUP_BODY,
           responses={"201": json_response("MemberReview", "Followed up"),
                      "409": {"description": "followup_exists or followup_window_closed"}})
def follow_up(review_id: int):
    """Add the one follow-up (追评) to the member's review."""
    session, member = db(), current_member()
    review = service.add_followup(session, member.id, review_id, json_body())
    session.commit()
    return jsonify(serializers.member_review(
        review, serializers.review_assets(session, [review]))), 201


def _page_args() -> tuple[str, int, int]:
    errors: list[FieldError] = []
    kind = request.args.get("filter", "all")
    if kind not in service.FILTERS:
        errors.append(FieldError("/filter", "one of " + ", ".join(service.FILTERS), "enum"))
    numbers = {}
    for name, default, high in (("page", 1, 10_000), ("per_page", 10, MAX_PER_PAGE)):
        raw = request.args.get(name, str(default))
        value = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
        if not 1 <= value <= high:
            errors.append(FieldError(f"/{name}", f"a whole number from 1 to {high}", "range"))
        numbers[name] = value
    if errors:
        raise ValidationFailed(errors)
    return kind, numbers["page"], numbers["per_page"]


@reviews_api.get("/products/<int:product_id>/reviews")
@operation(tags=TAGS, responses={"200": json_response("ProductReviews")}, parameters=[
    {"name": "filter", "in": "query", "schema": {"type": "string", "enum": list(service.FILTERS),
                                                 "default": "all"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                               "maximum": 10000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                   "maximum": MAX_PER_PAGE, "default": 10}}])
def product_reviews(product_id: int):
    """A product's shown reviews (pinned first, then newest) and its rating."""
    from runtime.modules.catalog.products import get_product

    session = db()
    kind, page, per_page = _page_args()
    product = get_product(session, product_id)
    result = service.product_reviews(session, product.id, kind=kind, page=page,
                                     per_page=per_page)
    assets = serializers.review_assets(session, result.items)
    return jsonify({"rating": service.ratings(session, [product.id])[product.id].as_dict(),
                    "items": [serializers.public_review(r, assets) for r in result.items],
                    "total": result.total, "page": page, "per_page": per_page,
                    "filter": kind})


# --- H5 pages (shells; reviews.js talks to the API above, like the mini-program) ----------

reviews_pages = shop_pages_blueprint("reviews", __name__)


def _page(template: str, title: str, **context: object) -> str:
    return render_shell_page("reviews", template, title, **context)


@reviews_pages.get("/reviews")
def my_reviews_page():
    """评价中心: the completed lines to review (the form: stars, text, photos, anonymous)
    and the member's reviews with their follow-up."""
    return _page("mine.html", "评价中心", order_id=request.args.get("order", type=int))


@reviews_pages.get("/products/<int:product_id>/reviews")
def product_reviews_page(product_id: int):
    """全部评价 of a product: rating, filter tabs (全部 / 有图 / 好评 / 差评), pages."""
    from runtime.modules.catalog.products import get_product

    product = get_product(db(), product_id)
    return _page("product.html", "全部评价", product=product, filters=(
        ("all", "全部"), ("images", "有图"), ("good", "好评"), ("bad", "差评")))
