"""H5 pages of the group buy under ``/s/<shop>/groupbuy``: an activity (product, group and
leader price per SKU, open groups to join, 去开团) and a group (avatars, empty seats,
countdown, invite, join or leave). Shells: ``groupbuy.js`` reads the same JSON API as the
mini-program; the order goes through the shop's checkout page with ``activity``."""

from __future__ import annotations

from flask import Blueprint, render_template

from runtime.api import enter_shop_from_url, keep_shop_in_url
from runtime.modules.groupbuy import activities, groups
from runtime.tenancy import current_shop, db

groupbuy_pages = Blueprint("groupbuy_pages", __name__, url_prefix="/s/<shop_slug>",
                           template_folder="templates", static_folder="static",
                           static_url_path="/_groupbuy-static")
groupbuy_pages.url_value_preprocessor(enter_shop_from_url)
groupbuy_pages.url_defaults(keep_shop_in_url)


def _page(template: str, title: str, **context: object) -> str:
    shop = current_shop()
    assert shop is not None
    return render_template(f"groupbuy/{template}", shop=shop, title=title,
                           api_base=f"/api/v1/shops/{shop.slug}", **context)


@groupbuy_pages.get("/groupbuy/activities/<int:activity_id>")
def activity_page(activity_id: int):
    """拼团商品: prices, SKUs, 去开团 and the open groups to join."""
    activity = activities.get_activity(db(), activity_id)
    return _page("activity.html", activity.title, activity_id=activity.id)


@groupbuy_pages.get("/groupbuy/groups/<int:group_id>")
def group_page(group_id: int):
    """拼团详情 (the share link's page): seats, countdown, invite, join or leave."""
    group = groups.get_group(db(), group_id)
    return _page("group.html", "拼团详情", group_id=group.id)
