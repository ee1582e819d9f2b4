"""Articles (文章) and their categories, for the current shop: the merchant's writes with
one 422 naming every bad field, what shoppers may read (published, its time come), the
view count, and the page data version ``content`` bumped after every write so cached pages
with an ``article-list`` block show the change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.errors import FieldError, NotFound, ValidationFailed
from runtime.media.refs import check_refs_exist, ref_errors
from runtime.modules.content.models import Article, ArticleCategory
from runtime.modules.content.sanitize import sanitize_body

MODULE_ID = "content"
DATA_TOPIC = "content"
STATUSES = ("draft", "scheduled", "published")
MAX_TITLE, MAX_SUMMARY, MAX_BODY, MAX_CATEGORY = 80, 200, 100_000, 20
SORT_RANGE = (-9999, 9999)


class ContentErrorCode:
    MODULE_OFF = "module_disabled"
    ARTICLE_NOT_FOUND = "article_not_found"
    CATEGORY_NOT_FOUND = "category_not_found"
    CATEGORY_EXISTS = "category_exists"


def ensure_module_on(session: Session) -> None:
    from runtime.modules.switches import is_enabled

    if not is_enabled(session, MODULE_ID):
        raise NotFound("articles are not available in this shop",
                       code=ContentErrorCode.MODULE_OFF)


def changed(session: Session) -> None:
    """Cached pages of the shop miss after commit (data version ``content``)."""
    from runtime.pages.cache import bump_data_version_after_commit

    shop_id = current_shop_id(session)
    if shop_id is not None:
        bump_data_version_after_commit(session, shop_id, DATA_TOPIC)


# --- categories -----------------------------------------------------------------------------


def categories(session: Session) -> list[ArticleCategory]:
    return list(session.scalars(select(ArticleCategory).order_by(
        ArticleCategory.sort.desc(), ArticleCategory.id)))


def get_category(session: Session, category_id: int) -> ArticleCategory:
    category = session.get(ArticleCategory, category_id)
    if category is None or category.shop_id != current_shop_id(session):
        raise NotFound(f"no article category {category_id}",
                       code=ContentErrorCode.CATEGORY_NOT_FOUND)
    return category


def _integer(data: Mapping[str, Any], key: str, errors: list[FieldError], default: int,
             low: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 8:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(FieldError(f"/{key}", f"a whole number from {low} to {high}", "range"))
        return default
    return value


def _text(data: Mapping[str, Any], key: str, errors: list[FieldError], *, max_len: int,
          required: bool = False, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        errors.append(FieldError(f"/{key}", "must be a string", "type"))
        return default
    value = value.strip()
    if required and not value:
        errors.append(FieldError(f"/{key}", "is required", "required"))
    elif len(value) > max_len:
        errors.append(FieldError(f"/{key}", f"at most {max_len} characters", "length"))
    return value


def save_category(session: Session, data: Mapping[str, Any],
                  category_id: int | None = None) -> ArticleCategory:
    """Create a category, or change one (``category_id``); names are unique in the shop."""
    category = get_category(session, category_id) if category_id is not None else None
    errors: list[FieldError] = []
    name = _text(data, "name", errors, max_len=MAX_CATEGORY, required=True,
                 default=category.name if category else "")
    sort = _integer(data, "sort", errors, category.sort if category else 0, *SORT_RANGE)
    if not errors:
        clash = session.scalar(select(ArticleCategory.id).where(
            ArticleCategory.name == name, ArticleCategory.id != (category_id or 0)))
        if clash is not None:
            errors.append(FieldError("/name", "a category of that name exists",
                                     ContentErrorCode.CATEGORY_EXISTS))
    if errors:
        raise ValidationFailed(errors)
    if category is None:
        category = ArticleCategory(name=name, sort=sort)
        session.add(category)
    else:
        category.name, category.sort = name, sort
    session.flush()
    changed(session)
    return category


def delete_category(session: Session, category_id: int) -> None:
    """Delete a category; its articles stay, uncategorised."""
    category = get_category(session, category_id)
    session.execute(update(Article).where(Article.category_id == category.id)
                    .values(category_id=None))
    session.execute(delete(ArticleCategory).where(ArticleCategory.id == category.id))
    changed(session)


# --- articles (merchant) --------------------------------------------------------------------


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None or article.shop_id != current_shop_id(session):
        raise NotFound(f"no article {article_id}", code=ContentErrorCode.ARTICLE_NOT_FOUND)
    return article


def _publish_at(data: Mapping[str, Any], errors: list[FieldError]) -> datetime | None:
    raw = data.get("publish_at")
    if raw in (None, ""):
        errors.append(FieldError("/publish_at", "a scheduled article needs a time", "required"))
        return None
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        errors.append(FieldError("/publish_at", "a date and time (ISO 8601)", "format"))
        return None
    if when.tzinfo is None:
        errors.append(FieldError("/publish_at", "a time with its offset, e.g. +08:00",
                                 "format"))
        return None
    return when


def save_article(session: Session, data: Mapping[str, Any],
                 article_id: int | None = None) -> Article:
    """Create an article, or change one (``article_id``; only the keys present change).

    ``status``: ``draft``; ``published`` (visible now; the first publish stamps
    ``published_at``); ``scheduled`` with ``publish_at`` (visible from then on). The body is
    sanitised (``sanitize.sanitize_body``) before it is stored."""
    article = get_article(session, article_id) if article_id is not None else None
    current = article or Article(title="", summary="", body_html="", status="draft", sort=0,
                                 view_count=0)
    errors: list[FieldError] = []
    title = _text(data, "title", errors, max_len=MAX_TITLE, required=True,
                  default=current.title)
    summary = _text(data, "summary", errors, max_len=MAX_SUMMARY, default=current.summary)
    body = data.get("body_html", current.body_html)
    if not isinstance(body, str):
        errors.append(FieldError("/body_html", "must be a string", "type"))
        body = current.body_html
    elif len(body) > MAX_BODY:
        errors.append(FieldError("/body_html", f"at most {MAX_BODY} characters", "length"))
    sort = _integer(data, "sort", errors, current.sort, *SORT_RANGE)
    cover = data.get("cover", current.cover)
    if cover in ("", {}):
        cover = None
    if cover is not None:
        problems = ref_errors(cover, "/cover")
        errors.extend(problems)
        if not problems:
            try:
                check_refs_exist(session, [cover], "/cover")
            except ValidationFailed:
                errors.append(FieldError("/cover/media_id", "no such image in the media library",
                                         "not_found"))
    category_id = data.get("category_id", current.category_id)
    if category_id in ("", None):
        category_id = None
    else:
        if isinstance(category_id, str) and category_id.isdigit() and len(category_id) < 18:
            category_id = int(category_id)
        if isinstance(category_id, bool) or not isinstance(category_id, int) or \
                session.scalar(select(ArticleCategory.id).where(
                    ArticleCategory.id == category_id)) is None:
            errors.append(FieldError("/category_id", "no such article category",
                                     ContentErrorCode.CATEGORY_NOT_FOUND))
            category_id = None
    status = data.get("status", current.status)
    published_at = current.published_at
    if status not in STATUSES:
        errors.append(FieldError("/status", "one of " + ", ".join(STATUSES), "enum"))
    elif status == "scheduled":
        published_at = _publish_at(data, errors) if "publish_at" in data or \
            current.status != "scheduled" else current.published_at
    elif status == "published" and (current.status != "published" or published_at is None):
        published_at = utcnow()
    elif status == "draft":
        published_at = None
    if errors:
        raise ValidationFailed(errors)
    current.title, current.summary, current.sort = title, summary, sort
    current.body_html = sanitize_body(body)
    current.cover, current.category_id = cover, category_id
    current.status, current.published_at = status, published_at
    if article is None:
        session.add(current)
    session.flush()
    changed(session)
    return current


def delete_article(session: Session, article_id: int) -> None:
    article = get_article(session, article_id)
    session.execute(delete(Article).where(Article.id == article.id))
    changed(session)


@dataclass(frozen=True)
class ArticleFilter:
    """The console list's filters: words in the title, a category (0: none), a state
    (``draft``, ``scheduled`` = not yet visible, ``published`` = visible)."""

    keyword: str = ""
    category_id: int | None = None
    state: str | None = None


def state_of(article: Article, now: datetime | None = None) -> str:
    """What a shopper sees: a scheduled article whose time has come is ``published``."""
    if article.status == "draft" or article.published_at is None:
        return "draft"
    return "published" if article.published_at <= (now or utcnow()) else "scheduled"


def _visible(now: datetime) -> ColumnElement[bool]:
    return (Article.status != "draft") & (Article.published_at <= now)


@dataclass
class ArticlePage:
    items: list[Article]
    total: int


def console_articles(session: Session, flt: ArticleFilter, page: int,
                     per_page: int) -> ArticlePage:
    query = select(Article)
    if flt.keyword:
        query = query.where(Article.title.contains(flt.keyword, autoescape=True))
    if flt.category_id == 0:
        query = query.where(Article.category_id.is_(None))
    elif flt.category_id is not None:
        query = query.where(Article.category_id == flt.category_id)
    now = utcnow()
    if flt.state == "draft":
        query = query.where(or_(Article.status == "draft", Article.published_at.is_(None)))
    elif flt.state == "scheduled":
        query = query.where(Article.status != "draft", Article.published_at > now)
    elif flt.state == "published":
        query = query.where(_visible(now))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(Article.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return ArticlePage(items, total)


# --- articles (shoppers) --------------------------------------------------------------------


def _shopper_order() -> tuple[Any, ...]:
    return (Article.sort.desc(), Article.published_at.desc(), Article.id.desc())


def published_articles(session: Session, *, category_id: int | None = None, page: int = 1,
                       per_page: int = 10) -> ArticlePage:
    """Visible articles, newest first within ``sort`` (high first), a page of them."""
    query = select(Article).where(_visible(utcnow()))
    if category_id is not None:
        query = query.where(Article.category_id == category_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(*_shopper_order())
                                 .limit(per_page).offset((page - 1) * per_page)))
    return ArticlePage(items, total)


def latest_by_category(session: Session,
                       wanted: list[tuple[str, int]]) -> dict[str, list[Article]]:
    """For the ``article-list`` blocks of a page: per category name ("" = every category)
    the first ``count`` visible articles, in shopper order — one statement for the page."""
    most = max((count for _name, count in wanted), default=0)
    names = {name for name, _count in wanted if name}
    order = _shopper_order()
    ranked = select(Article.id, ArticleCategory.name.label("category"),
                    func.row_number().over(partition_by=Article.category_id,
                                           order_by=order).label("in_category"),
                    func.row_number().over(order_by=order).label("overall")).outerjoin(
        ArticleCategory, ArticleCategory.id == Article.category_id).where(
        _visible(utcnow())).subquery()
    keep = [ranked.c.overall <= most] if "" in {name for name, _ in wanted} else []
    if names:
        keep.append(ranked.c.category.in_(names) & (ranked.c.in_category <= most))
    found: dict[str, list[Article]] = {name: [] for name, _count in wanted}
    if not keep or most == 0:
        return found
    rows = session.execute(select(Article, ranked.c.category, ranked.c.overall,
                                  ranked.c.in_category)
                           .join(ranked, ranked.c.id == Article.id).where(or_(*keep))
                           .order_by(ranked.c.overall)).all()
    limits: dict[str, int] = {}
    for name, count in wanted:
        limits[name] = max(count, limits.get(name, 0))
    for article, category, overall, in_category in rows:
        if "" in found and overall <= limits[""]:
            found[""].append(article)
        if category in names and in_category <= limits[category]:
            found[category].append(article)
    return found


def published_article(session: Session, article_id: int) -> Article:
    """A visible article, else 404 (a draft, one not yet due and another shop's alike)."""
    article = session.scalar(select(Article).where(Article.id == article_id,
                                                   _visible(utcnow())))
    if article is None:
        raise NotFound(f"no article {article_id}", code=ContentErrorCode.ARTICLE_NOT_FOUND)
    return article


def record_view(session: Session, article: Article) -> int:
    """Count one view (one atomic UPDATE, so concurrent readers never lose a count); a
    view is not an edit, so ``updated_at`` stays."""
    session.execute(update(Article).where(Article.id == article.id)
                    .values(view_count=Article.view_count + 1, updated_at=Article.updated_at)
                    .execution_options(synchronize_session=False))
    session.refresh(article, ["view_count"])
    return article.view_count


def media_references(session: Session, asset_ids: list[int]) -> dict[int, list[Any]]:
    """Article covers keep their images in use in the media library."""
    from runtime.media.service import Reference

    wanted = set(asset_ids)
    found: dict[int, list[Any]] = {}
    for article in session.scalars(select(Article).where(Article.cover.is_not(None))):
        media_id = (article.cover or {}).get("media_id")
        if media_id in wanted:
            found.setdefault(media_id, []).append(
                Reference("article", article.id, f"文章 {article.title}"))
    return found


def settings(session: Session) -> dict[str, Any]:
    from runtime.modules.switches import settings_of

    return settings_of(session, MODULE_ID)
