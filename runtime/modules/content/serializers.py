"""Articles as JSON: the shopper's card and detail (cover as a URL, sanitised body), and
the console's row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from runtime.media.refs import load_assets, media_url
from runtime.modules.content import service
from runtime.modules.content.models import Article, ArticleCategory


def cover_assets(session: Session, articles: Iterable[Article]) -> dict[int, Any]:
    return load_assets(session, [a.cover for a in articles if a.cover])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def article_card(article: Article, assets: Mapping[int, Any],
                 categories: Mapping[int, str]) -> dict[str, Any]:
    return {"id": article.id, "title": article.title, "summary": article.summary,
            "cover": media_url(article.cover, 750, assets=assets) if article.cover else None,
            "category_id": article.category_id,
            "category": categories.get(article.category_id or 0),
            "published_at": _iso(article.published_at), "views": article.view_count}


def article_detail(article: Article, assets: Mapping[int, Any],
                   categories: Mapping[int, str]) -> dict[str, Any]:
    return {**article_card(article, assets, categories), "body_html": article.body_html}


def category_json(category: ArticleCategory) -> dict[str, Any]:
    return {"id": category.id, "name": category.name, "sort": category.sort}


def category_names(session: Session) -> dict[int, str]:
    return {c.id: c.name for c in service.categories(session)}


def page_category_names(ctx: Any) -> dict[int, str]:
    """:func:`category_names` once per page render (``ctx.loads``), for the content blocks
    of a page (article-body and article-list) to share."""
    names = ctx.loads.get("content.category_names")
    if names is None:
        names = ctx.loads["content.category_names"] = category_names(ctx.session)
    return names


def admin_article(article: Article, assets: Mapping[int, Any],
                  categories: Mapping[int, str]) -> dict[str, Any]:
    return {**article_detail(article, assets, categories), "status": article.status,
            "state": service.state_of(article), "sort": article.sort,
            "cover_ref": article.cover, "updated_at": _iso(article.updated_at)}
