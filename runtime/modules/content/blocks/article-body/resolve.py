"""article-body: the article the page shows (``?id=``), published and visible, with its
cover URL, category name and the shop-local day it was published.

An unknown, unpublished or other shop's id makes the whole page 404 naming ``id``
(``SubjectNotFound``). The editor's preview has no ``id``: it shows the newest published
article, so the merchant decorates around a real one. The view count in the data is the one
at render time (the page is cached); the page's script and the mini-program count a view
with ``POST articles/<id>/views`` and show the count it answers."""

from __future__ import annotations

from typing import Any

from runtime.api import API_PREFIX
from runtime.errors import NotFound
from runtime.modules.content import serializers, service
from runtime.pages.kinds import SubjectNotFound
from runtime.shoptime import local_text, shop_zone


def _subject(ctx: Any) -> Any:
    article_id = ctx.params.get("id")
    if article_id is None:
        if ctx.preview:
            newest = service.published_articles(ctx.session, per_page=1).items
            return newest[0] if newest else None
        raise SubjectNotFound("id", "an article page needs the article's id (?id=)")
    try:
        return service.published_article(ctx.session, article_id)
    except NotFound:
        raise SubjectNotFound("id", f"no published article {article_id}") from None


def resolve(batch: list[Any], ctx: Any) -> dict[str, Any]:
    article = _subject(ctx)
    data: dict[str, Any] = {"article": None, "preview": ctx.preview, "author": ctx.shop.name,
                            "show_views": bool(ctx.module_settings(service.MODULE_ID)
                                               .get("show_views", True))}
    if article is not None:
        detail = serializers.article_detail(article, serializers.cover_assets(ctx.session,
                                                                              [article]),
                                            serializers.page_category_names(ctx))
        detail["day"] = local_text(article.published_at, shop_zone(ctx.session), "%Y-%m-%d")
        data["article"] = detail
        data["views_url"] = f"{API_PREFIX}/shops/{ctx.shop.slug}/articles/{article.id}/views"
    return {instance.id: data for instance in batch}
