"""Demo data of the content module: switched on, two categories, three published articles
with covers (drawn here: a plain gradient, no font needed), an ``article-list`` block on the
demo's live home page (seeded first), published as a new version, and the ``article`` page
decorated around its fixed block (a notice above it, recommended products below).
Idempotent: an article of the same title, a home page that already has the block and an
article page already decorated are left alone."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.blocklib.artwork import gradient
from runtime.modules import switches
from runtime.modules.content import service
from runtime.modules.content.models import Article, ArticleCategory
from runtime.shops.models import Shop

ARTICLES: tuple[dict[str, Any], ...] = (
    {"category": "新品资讯", "title": "新品上市指南：春夏系列怎么选",
     "colours": ("#ff7a45", "#ffd591"), "sort": 10,
     "summary": "本季新品一览：面料、版型与尺码建议，三分钟挑到合适的那一件。",
     "body_html": "<h2>本季主打</h2><p>春夏系列以<strong>透气棉麻</strong>与"
                  "<strong>轻薄针织</strong>为主，颜色以米白、雾蓝和燕麦色为基调。</p>"
                  "<h3>尺码建议</h3><ul><li>身高 160 cm 以下：S</li>"
                  "<li>160–170 cm：M</li><li>170 cm 以上：L</li></ul>"
                  "<blockquote>拿不准时选大一码，七天无理由退换。</blockquote>"
                  "<p>更多新品见<a href=\"/s/demo/pages/category\">全部分类</a>。</p>"},
    {"category": "会员指南", "title": "会员权益说明", "colours": ("#597ef7", "#adc6ff"),
     "summary": "成长值、会员等级、积分与储值：成为会员后能享受的每一项权益。", "sort": 5,
     "body_html": "<h2>会员等级</h2><p>每消费 1 元得 1 点成长值，成长值达到门槛自动升级，"
                  "高等级享受更低的会员价。</p><table><thead><tr><th>等级</th>"
                  "<th>成长值</th><th>折扣</th></tr></thead><tbody>"
                  "<tr><td>普通会员</td><td>0</td><td>无</td></tr>"
                  "<tr><td>银卡</td><td>500</td><td>98 折</td></tr>"
                  "<tr><td>金卡</td><td>2000</td><td>95 折</td></tr></tbody></table>"
                  "<h3>积分与签到</h3><p>下单与每日签到都能得积分，积分可在结算时抵扣现金。</p>"},
    {"category": "会员指南", "title": "售后服务与退换货说明",
     "colours": ("#36cfc9", "#b5f5ec"), "sort": 0,
     "summary": "七天无理由退换、仅退款与退货退款的流程和时限。",
     "body_html": "<p>签收后 <strong>7 天内</strong>可申请无理由退换"
                  "（商品完好、不影响二次销售）。</p>"
                  "<ol><li>在订单详情点击“申请售后”</li><li>选择仅退款、退货退款或换货</li>"
                  "<li>商家同意后按页面地址寄回</li></ol>"},
)


def _cover(colours: tuple[str, str]) -> bytes:
    """A 750x420 diagonal gradient between two colours, as PNG."""
    out = io.BytesIO()
    gradient((750, 420), *colours).save(out, "PNG")
    return out.getvalue()


def _home_with_articles(session: Session, shop: Shop) -> None:
    """Add the article list to the demo's live home page, after the demo home is seeded
    (its seeder leaves a page changed since alone, so it runs first)."""
    from runtime.blocklib.demo import seed_demo_home
    from runtime.pages import store

    seed_demo_home(session, shop)
    page = store.ensure_page(session, "home")
    live = store.live_config(session, "home")
    config = live[1].config if live else page.draft
    blocks = list(config.get("blocks", []))
    if any(b.get("type") == "article-list" for b in blocks):
        return
    at = next((i for i, b in enumerate(blocks) if b.get("type") == "divider"), len(blocks))
    blocks.insert(at, {"id": "articles", "type": "article-list", "version": 1, "settings": {
        "title": "文章资讯", "category": "", "count": 3, "layout": "list",
        "show_summary": True, "show_more": True}})
    store.save_draft(session, "home", {**config, "blocks": blocks}, page.draft_revision)
    store.publish(session, "home", note="演示：首页加入文章列表")


ARTICLE_PAGE_NOTICE = {"id": "demo-notice", "type": "notice-bar", "version": 1, "settings": {
    "text": "关注店铺，新品资讯与会员福利早知道", "mode": "static", "background": "#fff7e8"}}
ARTICLE_PAGE_MORE = (
    {"id": "demo-more-title", "type": "title", "version": 2,
     "settings": {"title": "为你推荐", "size": "small"}},
    {"id": "demo-more-goods", "type": "product-grid", "version": 1,
     "settings": {"source": "best_selling", "layout": "scroll", "limit": 6,
                  "show_subtitle": False, "buy_button": "none", "card_style": "flat"}},
)


def _decorated_article_page(session: Session) -> None:
    """The article page as the demo merchant decorated it: a notice above the article and
    recommended products after the related articles, published."""
    from runtime.pages import store

    page = store.ensure_page(session, "article")
    live = store.live_config(session, "article")
    config = live[1].config if live else page.draft
    blocks = list(config.get("blocks", []))
    if any(b.get("id") == ARTICLE_PAGE_NOTICE["id"] for b in blocks):
        return
    at = next(i for i, b in enumerate(blocks) if b.get("type") == "article-body")
    blocks = [*blocks[:at], ARTICLE_PAGE_NOTICE, *blocks[at:], *ARTICLE_PAGE_MORE]
    store.save_draft(session, "article", {**config, "blocks": blocks}, page.draft_revision)
    store.publish(session, "article", note="演示：装修文章详情页")


def seed_demo_articles(session: Session, shop: Shop) -> None:
    from runtime.media.refs import ref_for
    from runtime.media.service import upload

    if not switches.is_enabled(session, service.MODULE_ID):
        switches.enable(session, service.MODULE_ID)
    for name, sort in (("新品资讯", 10), ("会员指南", 5)):
        if session.scalar(select(ArticleCategory.id).where(ArticleCategory.name == name)) is None:
            service.save_category(session, {"name": name, "sort": sort})
    categories = {c.name: c.id for c in service.categories(session)}
    for spec in ARTICLES:
        if session.scalar(select(Article.id).where(Article.title == spec["title"])) is not None:
            continue
        cover = upload(session, _cover(spec["colours"]), "article-cover.png", folder="文章封面")
        service.save_article(session, {
            "title": spec["title"], "summary": spec["summary"], "body_html": spec["body_html"],
            "sort": spec["sort"], "category_id": categories[spec["category"]],
            "cover": ref_for(cover.asset), "status": "published"})
    _home_with_articles(session, shop)
    _decorated_article_page(session)
