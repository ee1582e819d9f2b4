"""H5 pages of the money path under ``/s/<shop>/``: cart, checkout, my orders (by status
tab), order detail, after-sales (apply for a line, track, ship back), addresses, balance
(top-up), points and paid member cards. Each page is a small
server-rendered shell; ``shop.js`` talks to the same JSON API as the mini-program (Bearer
token from H5 login, kept in ``localStorage``), so the H5 and the mini-program behave the
same."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

from runtime.api import enter_shop_from_url, keep_shop_in_url
from runtime.tenancy import current_shop

shop_pages = Blueprint("storefront_shop", __name__, url_prefix="/s/<shop_slug>",
                       template_folder="templates", static_folder="static",
                       static_url_path="/_shop-static")
shop_pages.url_value_preprocessor(enter_shop_from_url)
shop_pages.url_defaults(keep_shop_in_url)

STATUS_TABS = (("all", "全部"), ("pending_payment", "待付款"), ("paid", "待发货"),
               ("shipped", "待收货"), ("completed", "已完成"))


def _page(template: str, title: str, **context: object) -> str:
    shop = current_shop()
    assert shop is not None
    return render_template(f"shop/{template}", shop=shop, title=title,
                           api_base=f"/api/v1/shops/{shop.slug}", **context)


@shop_pages.get("/cart")
def cart():
    """购物车."""
    return _page("cart.html", "购物车")


ACTIVITY_KINDS = frozenset({"pointsmall", "seckill", "groupbuy", "bargain"})


@shop_pages.get("/checkout")
def checkout():
    """确认订单: the cart's selected lines, or ``?sku=<id>&qty=<n>`` to buy now (with
    ``&activity=<kind>&activity_id=<id>``: an activity order, e.g. a points-mall exchange;
    ``&group_id=<id>``: the group buy's group to join)."""
    sku = request.args.get("sku", type=int)
    qty = request.args.get("qty", default=1, type=int)
    kind, activity_id = request.args.get("activity", ""), request.args.get("activity_id", type=int)
    activity: dict[str, object] | None = (
        {"kind": kind, "id": activity_id} if sku and kind in ACTIVITY_KINDS and activity_id
        else None)
    group_id = request.args.get("group_id", type=int)
    if activity is not None and group_id:
        activity["group_id"] = group_id  # a group buy's group to join
    return _page("checkout.html", "确认订单", buy_now={"sku_id": sku, "qty": qty} if sku
                 else None, activity=activity)


@shop_pages.get("/orders")
def orders():
    """我的订单, by status tab."""
    status = request.args.get("status", "all")
    if status not in dict(STATUS_TABS):
        status = "all"
    return _page("orders.html", "我的订单", tabs=STATUS_TABS, status=status)


@shop_pages.get("/orders/<int:order_id>")
def order(order_id: int):
    """订单详情."""
    return _page("order.html", "订单详情", order_id=order_id)


@shop_pages.get("/orders/<int:order_id>/aftersale")
def aftersale_apply(order_id: int):
    """申请售后 for one line of an order (``?line=<id>``): kind, amount, reason, photos."""
    return _page("aftersale_apply.html", "申请售后", order_id=order_id,
                 line_id=request.args.get("line", type=int))


@shop_pages.get("/aftersales")
def aftersales():
    """我的售后."""
    return _page("aftersales.html", "我的售后")


@shop_pages.get("/aftersales/<int:aftersale_id>")
def aftersale(aftersale_id: int):
    """售后详情: progress, the shop's return address, ship the goods back, cancel."""
    return _page("aftersale.html", "售后详情", aftersale_id=aftersale_id)


@shop_pages.get("/addresses")
def addresses():
    """收货地址."""
    return _page("addresses.html", "收货地址",
                 pick=request.args.get("pick") == "1")


@shop_pages.get("/wallet")
def wallet():
    """我的余额: balance, top-up tiers, top-up through WeChat Pay, the ledger."""
    return _page("wallet.html", "我的余额", topup=request.args.get("topup", type=int))


@shop_pages.get("/cards")
def cards():
    """会员卡: the member's running card, the cards on sale (price, level benefits, days),
    bought with the balance."""
    return _page("cards.html", "会员卡")


@shop_pages.get("/points")
def points():
    """我的积分: balance, points about to expire, the ledger."""
    return _page("points.html", "我的积分")


def init_app(app: Flask) -> None:
    app.register_blueprint(shop_pages)
