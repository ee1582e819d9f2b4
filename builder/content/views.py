"""文章管理: the shop's articles filtered by title words, category and state, the article
editor (title, category, cover, summary, the body as HTML sanitised on save, state with a
time for scheduled ones, sort) and the categories. Form posts redirect (or re-render with
422 and the messages on their fields); JSON clients get the article."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from builder import forms
from builder.auth import shop_blueprint
from builder.content.i18n import gettext as t
from runtime.errors import MallkitError, ValidationFailed
from runtime.media.refs import media_url
from runtime.modules.content import serializers, service
from runtime.shoptime import local_text, shop_zone
from runtime.tenancy import db

content_console = shop_blueprint("content_console", __name__, area="pages",
                                 module="content", template_folder="templates")
PER_PAGE = 20
STATE_LABELS = {"draft": "Draft", "scheduled": "Scheduled", "published": "Published"}


def _messages(error: MallkitError) -> dict[str, str]:
    """Field name -> message, in this catalog's words (else the console's)."""
    raw = error.errors if isinstance(error, ValidationFailed) else []
    out: dict[str, str] = {}
    for item in raw:
        name = item.pointer.strip("/").split("/")[0] or "_form"
        mine = t(item.message)
        out.setdefault(name, mine if mine != item.message else _(item.message))
    return out or forms.field_errors(error)


def _render(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(template, t=t, state_labels=STATE_LABELS, local=local_text,
                           **context), status


def _filters() -> tuple[service.ArticleFilter, dict[str, str]]:
    args = {k: request.args.get(k, "").strip() for k in ("q", "category", "state")}
    category = args["category"]
    flt = service.ArticleFilter(
        keyword=args["q"][:80],
        category_id=int(category) if category.isdigit() and len(category) < 18 else None,
        state=args["state"] if args["state"] in STATE_LABELS else None)
    return flt, {k: v for k, v in args.items() if v}


@content_console.get("/articles")
def articles() -> ResponseReturnValue:
    session = db()
    flt, args = _filters()
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else 1
    result = service.console_articles(session, flt, page, PER_PAGE)
    assets = serializers.cover_assets(session, result.items)
    names = serializers.category_names(session)
    rows = [serializers.admin_article(a, assets, names) for a in result.items]
    if forms.wants_json():
        return jsonify({"items": rows, "total": result.total, "page": page})
    return _render("content/articles.html", rows=rows, total=result.total, page=page,
                   pages=max((result.total + PER_PAGE - 1) // PER_PAGE, 1), args=args,
                   categories=service.categories(session), zone=shop_zone(session))


def _cover_field(raw: str) -> Any:
    """The cover as typed: a media library id, an https URL, or nothing."""
    raw = raw.strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) < 18:
        return {"media_id": int(raw)}
    return {"url": raw}


def _article_data(form: dict[str, Any]) -> dict[str, Any]:
    """The editor form as ``service.save_article`` takes it (times in the shop's zone)."""
    data: dict[str, Any] = {k: form.get(k, "") for k in ("title", "summary", "body_html",
                                                         "category_id", "status", "sort")}
    data["cover"] = _cover_field(str(form.get("cover", "")))
    when = str(form.get("publish_at", "")).strip()
    if when:
        try:
            data["publish_at"] = datetime.fromisoformat(when).replace(
                tzinfo=shop_zone(db())).isoformat()
        except ValueError:
            data["publish_at"] = when
    return data


def _editor(article: Any, values: dict[str, Any], errors: dict[str, str],
            status: int = 200) -> ResponseReturnValue:
    session = db()
    cover = values.get("cover")
    return _render("content/article_form.html", status, article=article, values=values,
                   errors=errors, categories=service.categories(session),
                   cover_url=media_url(cover, 300, session=session) if cover else None)


def _values(article: Any) -> dict[str, Any]:
    if article is None:
        return {"title": "", "summary": "", "body_html": "", "category_id": None,
                "status": "draft", "sort": 0, "cover": None, "cover_text": "",
                "publish_at": ""}
    zone = shop_zone(db())
    cover = article.cover or {}
    return {"title": article.title, "summary": article.summary, "body_html": article.body_html,
            "category_id": article.category_id, "status": article.status, "sort": article.sort,
            "cover": article.cover,
            "cover_text": str(cover.get("media_id") or cover.get("url") or ""),
            "publish_at": article.published_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
            if article.status == "scheduled" and article.published_at else ""}


def _save(article_id: int | None) -> ResponseReturnValue:
    session = db()
    form = forms.payload()
    data = form if request.is_json else _article_data(form)
    try:
        article = service.save_article(session, data, article_id)
        session.commit()
    except ValidationFailed as error:
        session.rollback()
        if forms.wants_json():
            raise
        values = {**_values(None), **{k: form.get(k, "") for k in form},
                  "cover": None, "cover_text": form.get("cover", "")}
        current = service.get_article(session, article_id) if article_id else None
        return _editor(current, values, _messages(error), 422)
    if forms.wants_json():
        return jsonify(serializers.admin_article(
            article, serializers.cover_assets(session, [article]),
            serializers.category_names(session))), 201 if article_id is None else 200
    flash(t("Article saved."), "success")
    return redirect(url_for(".edit_article", article_id=article.id))


@content_console.get("/articles/new")
def new_article() -> ResponseReturnValue:
    return _editor(None, _values(None), {})


@content_console.post("/articles")
def create_article() -> ResponseReturnValue:
    return _save(None)


@content_console.get("/articles/<int:article_id>")
def edit_article(article_id: int) -> ResponseReturnValue:
    article = service.get_article(db(), article_id)
    if forms.wants_json():
        session = db()
        return jsonify(serializers.admin_article(
            article, serializers.cover_assets(session, [article]),
            serializers.category_names(session)))
    return _editor(article, _values(article), {})


@content_console.post("/articles/<int:article_id>")
def update_article(article_id: int) -> ResponseReturnValue:
    return _save(article_id)


@content_console.post("/articles/<int:article_id>/delete")
def delete_article(article_id: int) -> ResponseReturnValue:
    session = db()
    service.delete_article(session, article_id)
    session.commit()
    if forms.wants_json():
        return jsonify({"ok": True})
    flash(t("Article deleted."), "success")
    return redirect(url_for(".articles"))


# --- categories -----------------------------------------------------------------------------


@content_console.get("/articles/categories")
def categories() -> ResponseReturnValue:
    items = service.categories(db())
    if forms.wants_json():
        return jsonify({"items": [serializers.category_json(c) for c in items]})
    return _render("content/categories.html", items=items, errors={})


def _category_action(action: Any, message: str) -> ResponseReturnValue:
    session = db()
    try:
        result = action(session)
        session.commit()
    except ValidationFailed as error:
        session.rollback()
        if forms.wants_json():
            raise
        return _render("content/categories.html", 422, items=service.categories(session),
                       errors=_messages(error))
    if forms.wants_json():
        return jsonify(serializers.category_json(result) if result is not None
                       else {"ok": True})
    flash(message, "success")
    return redirect(url_for(".categories"))


@content_console.post("/articles/categories")
def create_category() -> ResponseReturnValue:
    data = forms.payload()
    return _category_action(lambda s: service.save_category(s, data), t("Category saved."))


@content_console.post("/articles/categories/<int:category_id>")
def update_category(category_id: int) -> ResponseReturnValue:
    data = forms.payload()
    return _category_action(lambda s: service.save_category(s, data, category_id),
                            t("Category saved."))


@content_console.post("/articles/categories/<int:category_id>/delete")
def delete_category(category_id: int) -> ResponseReturnValue:
    return _category_action(lambda s: service.delete_category(s, category_id),
                            t("Category deleted; its articles are now uncategorised."))
