"""评价管理: the shop's reviews, newest first (pinned on top), filtered by product, stars,
photos, hidden and approval; each can be replied to, hidden or shown, pinned, approved.
Form posts redirect back to the same filtered list; JSON clients get the review."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from builder import forms
from builder.auth import shop_blueprint
from runtime.errors import ValidationFailed
from runtime.modules.catalog.queries import products_by_ids
from runtime.modules.reviews import serializers, service
from runtime.tenancy import db

reviews_console = shop_blueprint("reviews_console", __name__, area="orders",
                                 module="reviews", template_folder="templates")
PER_PAGE = 20
FLAGS = {"yes": True, "no": False}


def _filter_args() -> tuple[service.ConsoleFilter, dict[str, str]]:
    """The list's filters from the query string; anything unreadable is ignored."""
    args = {k: request.args.get(k, "") for k in ("product_id", "stars", "images", "hidden",
                                                   "pending")}
    product = args["product_id"]
    stars = args["stars"]
    flt = service.ConsoleFilter(
        product_id=int(product) if product.isdigit() and len(product) < 18 else None,
        stars=int(stars) if stars in {"1", "2", "3", "4", "5"} else None,
        has_images=FLAGS.get(args["images"]), hidden=FLAGS.get(args["hidden"]),
        pending=FLAGS.get(args["pending"]))
    return flt, {k: v for k, v in args.items() if v}


@reviews_console.get("/reviews")
def index() -> ResponseReturnValue:
    session = db()
    flt, args = _filter_args()
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) < 6 else 1
    page = max(page, 1)
    result = service.console_reviews(session, flt, page, PER_PAGE)
    assets = serializers.review_assets(session, result.items)
    rows = [serializers.merchant_review(r, assets) for r in result.items]
    products = {p.id: p.title for p in products_by_ids(
        session, [r.product_id for r in result.items] + ([flt.product_id] if flt.product_id
                                                         else []), visible_only=False)}
    if forms.wants_json():
        return jsonify({"items": rows, "total": result.total, "page": page})
    pages = max((result.total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template("reviews/index.html", rows=rows, products=products,
                           total=result.total, page=page, pages=pages, args=args)


def _done(review: Any, message: str) -> ResponseReturnValue:
    db().commit()
    if forms.wants_json():
        return jsonify(serializers.merchant_review(
            review, serializers.review_assets(db(), [review])))
    flash(message, "success")
    back = forms.safe_next(request.args.get("next"), url_for("reviews_console.index"))
    return redirect(back)


@reviews_console.post("/reviews/<int:review_id>/reply")
def reply(review_id: int) -> ResponseReturnValue:
    try:
        review = service.reply(db(), review_id, forms.payload())
    except ValidationFailed as error:
        db().rollback()
        if forms.wants_json():
            raise
        flash("回复未保存：" + "；".join(e.message for e in error.errors), "error")
        return redirect(forms.safe_next(request.args.get("next"),
                                        url_for("reviews_console.index")))
    return _done(review, "已回复" if review.reply else "已删除回复")


@reviews_console.post("/reviews/<int:review_id>/hide")
def hide(review_id: int) -> ResponseReturnValue:
    return _done(service.set_hidden(db(), review_id, True), "已隐藏，买家不再看到这条评价")


@reviews_console.post("/reviews/<int:review_id>/show")
def show(review_id: int) -> ResponseReturnValue:
    return _done(service.set_hidden(db(), review_id, False), "已恢复展示")


@reviews_console.post("/reviews/<int:review_id>/pin")
def pin(review_id: int) -> ResponseReturnValue:
    return _done(service.set_pinned(db(), review_id, True), "已置顶")


@reviews_console.post("/reviews/<int:review_id>/unpin")
def unpin(review_id: int) -> ResponseReturnValue:
    return _done(service.set_pinned(db(), review_id, False), "已取消置顶")


@reviews_console.post("/reviews/<int:review_id>/approve")
def approve(review_id: int) -> ResponseReturnValue:
    return _done(service.approve(db(), review_id), "已通过审核")
