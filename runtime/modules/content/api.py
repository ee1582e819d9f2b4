"""Articles API under ``/api/v1/shops/<shop>/``: ``articles`` (published ones, a page at a
time, by category), ``articles/<id>`` (one, with its sanitised body; counts a view),
``POST articles/<id>/views`` (the article page counts its view) and ``article-categories``;
and the H5 list ``/s/<shop>/articles``, rendered on the server. An article itself is the
``article`` page kind (``/s/<shop>/pages/article?id=``); ``/s/<shop>/articles/<id>``
redirects there. Every route answers 404 ``module_disabled`` while the module is off."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request

from runtime.api import enter_shop_from_url, keep_shop_in_url, shop_api_blueprint
from runtime.api.openapi import ApiComponents, json_response, operation
from runtime.errors import FieldError, ValidationFailed
from runtime.modules.content import serializers, service
from runtime.tenancy import current_shop, db

content_api = shop_api_blueprint("content_api", __name__)
TAGS = ["content"]
MAX_PER_PAGE = 50

OPENAPI = ApiComponents()
_CARD = {
    "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "cover": {"type": ["string", "null"]}, "category_id": {"type": ["integer", "null"]},
    "category": {"type": ["string", "null"]},
    "published_at": {"type": ["string", "null"], "format": "date-time"},
    "views": {"type": "integer"},
}
OPENAPI.schema("ArticleCard", {"type": "object", "properties": _CARD})
OPENAPI.schema("Article", {"type": "object", "properties": {
    **_CARD, "body_html": {"type": "string", "description": "sanitised HTML (the allow-list "
                                                            "of docs/modules/content.md)"}}})
OPENAPI.schema("ArticlePage", {"type": "object", "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/ArticleCard"}},
    "total": {"type": "integer"}, "page": {"type": "integer"},
    "per_page": {"type": "integer"}}})
OPENAPI.schema("ArticleViews", {"type": "object", "properties": {
    "id": {"type": "integer"}, "views": {"type": "integer"}}})
OPENAPI.schema("ArticleCategories", {"type": "object", "properties": {
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "sort": {"type": "integer"}}}}}})


@content_api.before_request
def _module_on() -> None:
    service.ensure_module_on(db())


def page_args() -> tuple[int | None, int, int]:
    """``category``, ``page`` and ``per_page`` from the query string (422 naming each bad one)."""
    errors: list[FieldError] = []
    numbers: dict[str, int] = {}
    for name, default, low, high in (("category", 0, 1, 2**62), ("page", 1, 1, 10_000),
                                     ("per_page", 10, 1, MAX_PER_PAGE)):
        raw = request.args.get(name, "")
        if raw == "":
            numbers[name] = default
            continue
        value = int(raw) if raw.isdigit() and len(raw) <= 18 else 0
        if not low <= value <= high:
            errors.append(FieldError(f"/{name}", f"a whole number from {low} to {high}",
                                     "range"))
        numbers[name] = value
    if errors:
        raise ValidationFailed(errors)
    return numbers["category"] or None, numbers["page"], numbers["per_page"]


_PAGE_PARAMETERS = [
    {"name": "category", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                               "maximum": 10000, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                   "maximum": MAX_PER_PAGE, "default": 10}}]


@content_api.get("/articles")
@operation(tags=TAGS, responses={"200": json_response("ArticlePage")},
           parameters=_PAGE_PARAMETERS)
def articles():
    """Published articles (sort, then newest first), a page at a time, by category."""
    session = db()
    category, page, per_page = page_args()
    result = service.published_articles(session, category_id=category, page=page,
                                        per_page=per_page)
    assets = serializers.cover_assets(session, result.items)
    names = serializers.category_names(session)
    return jsonify({"items": [serializers.article_card(a, assets, names) for a in result.items],
                    "total": result.total, "page": page, "per_page": per_page})


@content_api.get("/articles/<int:article_id>")
@operation(tags=TAGS, responses={"200": json_response("Article")})
def article(article_id: int):
    """One published article with its sanitised body; counts a view."""
    session = db()
    found = service.published_article(session, article_id)
    service.record_view(session, found)
    session.commit()
    return jsonify(serializers.article_detail(
        found, serializers.cover_assets(session, [found]), serializers.category_names(session)))


@content_api.post("/articles/<int:article_id>/views")
@operation(tags=TAGS, responses={"200": json_response("ArticleViews")})
def article_viewed(article_id: int):
    """Count one view of a published article (the article page, once per view); answers the
    new count, which the cached page shows in place of the one it was rendered with."""
    session = db()
    found = service.published_article(session, article_id)
    views = service.record_view(session, found)
    session.commit()
    return jsonify({"id": found.id, "views": views})


@content_api.get("/article-categories")
@operation(tags=TAGS, responses={"200": json_response("ArticleCategories")})
def article_categories():
    """The shop's article categories (sort high first)."""
    return jsonify({"items": [serializers.category_json(c)
                              for c in service.categories(db())]})


# --- H5 pages, rendered on the server -------------------------------------------------------

content_pages = Blueprint("content_pages", __name__, url_prefix="/s/<shop_slug>",
                          template_folder="templates")
content_pages.url_value_preprocessor(enter_shop_from_url)
content_pages.url_defaults(keep_shop_in_url)
content_pages.before_request(_module_on)


@content_pages.get("/articles")
def articles_page():
    """文章列表: category tabs and a page of published articles."""
    session = db()
    category, page, per_page = page_args()
    result = service.published_articles(session, category_id=category, page=page,
                                        per_page=per_page)
    assets = serializers.cover_assets(session, result.items)
    names = serializers.category_names(session)
    return render_template(
        "content/list.html", shop=current_shop(), title="文章", category=category,
        categories=service.categories(session), page=page,
        pages=max((result.total + per_page - 1) // per_page, 1),
        items=[serializers.article_card(a, assets, names) for a in result.items])


@content_pages.get("/articles/<int:article_id>")
def article_page(article_id: int):
    """The old address of an article: it is now the ``article`` page the merchant decorates;
    links keep working through a permanent redirect."""
    shop = current_shop()
    assert shop is not None  # entered from the URL
    return redirect(f"/s/{shop.slug}/pages/article?id={article_id}", code=301)
