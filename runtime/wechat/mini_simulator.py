"""A local stand-in for ``api.weixin.qq.com`` at ``/_sim/wechat`` (demo and tests only).

Login codes ``dev-<openid>`` and phone codes ``dev-phone-<11 digits>`` are accepted (any
number of times); anything else gets WeChat's own ``40029 invalid code``. Access tokens expire
after two hours by mallkit's clock. Shipping-info uploads are checked against the WeChat Pay
simulator's transactions and recorded there (``WechatPaySimulator.shipping_uploads``).
Live rooms (``getliveinfo``) are the ones given with :func:`set_live_rooms`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from typing import Any

from flask import Blueprint, Response, current_app, request

from runtime.clock import utcnow
from runtime.wechat import keys
from runtime.wechat.guard import refusal
from runtime.wechat.login import MINI_SIMULATOR_PREFIX
from runtime.wechat.pay.objects import TradeState, parse_time
from runtime.wechat.pay.simulator import SimPayError, WechatPaySimulator
from runtime.wechat.simkeys import SimulatorMaterial, simulator_material

ACCESS_TOKEN_SECONDS = 7200
TOKEN_OVERLAP_SECONDS = 300
LOGIN_CODE = re.compile(r"^dev-([A-Za-z0-9_-]{1,64})$")
PHONE_CODE = re.compile(r"^dev-phone-(\d{11})$")

blueprint = Blueprint("wechat_simulator", __name__, url_prefix=MINI_SIMULATOR_PREFIX)


class WechatErrcode(Exception):
    """An answer ``{"errcode": ..., "errmsg": "... rid: ..."}`` (HTTP 200, like WeChat)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def _answer(data: dict[str, Any]) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")


@blueprint.errorhandler(WechatErrcode)
def _errcode(error: WechatErrcode) -> Response:
    rid = "-".join(uuid.uuid4().hex[i:i + 8] for i in (0, 8, 16))
    return _answer({"errcode": error.errcode, "errmsg": f"{error.errmsg}, rid: {rid}"})


@blueprint.before_request
def _guard() -> Response | None:
    refused = refusal()
    if refused:
        return Response(json.dumps({"errcode": -1, "errmsg": refused}), status=404,
                        mimetype="application/json")
    return None


def _material() -> SimulatorMaterial:
    return simulator_material(current_app.extensions["mallkit"].settings)


def _redis():
    return current_app.extensions["mallkit"].redis


def _check_app(appid: str | None, secret: str | None) -> None:
    material = _material()
    if appid != material.appid:
        raise WechatErrcode(40013, "invalid appid")
    if not secret or not hmac.compare_digest(secret, material.mini_secret):
        raise WechatErrcode(40125, "invalid appsecret")


@blueprint.get("/sns/jscode2session")
def jscode2session() -> Response:
    args = request.args
    _check_app(args.get("appid"), args.get("secret"))
    if args.get("grant_type") != "authorization_code":
        raise WechatErrcode(40002, "invalid grant_type")
    match = LOGIN_CODE.match(args.get("js_code", ""))
    if not match:
        raise WechatErrcode(40029, "invalid code")
    openid = match.group(1)
    digest = hmac.new(_material().mini_secret.encode(), openid.encode(), hashlib.sha256)
    return _answer({"openid": openid,
                    "session_key": base64.b64encode(digest.digest()[:16]).decode(),
                    "unionid": f"dev-union-{openid}"})


def _issue_token(appid: str, force: bool) -> tuple[str, int]:
    """The current token while it has more than 5 minutes left, else a new one (the old one
    stays valid until it expires, so callers switching over never hold a dead token)."""
    now = int(utcnow().timestamp())
    redis = _redis()
    current = redis.get(keys.sim_current_access_token(appid))
    if current and not force:
        raw = redis.get(keys.sim_access_token(current.decode()))
        if raw:
            expires_at = json.loads(raw)["expires_at"]
            if expires_at - now > TOKEN_OVERLAP_SECONDS:
                return current.decode(), expires_at - now
    token = "simtok_" + secrets.token_urlsafe(48)
    expires_at = now + ACCESS_TOKEN_SECONDS
    ttl = ACCESS_TOKEN_SECONDS * 12  # expiry is judged by the clock; Redis only tidies up
    redis.set(keys.sim_access_token(token), json.dumps({"appid": appid,
                                                        "expires_at": expires_at}), ex=ttl)
    redis.set(keys.sim_current_access_token(appid), token, ex=ttl)
    return token, ACCESS_TOKEN_SECONDS


@blueprint.post("/cgi-bin/stable_token")
def stable_token() -> Response:
    body = _body()
    if body.get("grant_type") != "client_credential":
        raise WechatErrcode(40002, "invalid grant_type")
    _check_app(body.get("appid"), body.get("secret"))
    token, expires_in = _issue_token(body["appid"], bool(body.get("force_refresh")))
    return _answer({"access_token": token, "expires_in": expires_in})


@blueprint.get("/cgi-bin/token")
def token() -> Response:
    if request.args.get("grant_type") != "client_credential":
        raise WechatErrcode(40002, "invalid grant_type")
    _check_app(request.args.get("appid"), request.args.get("secret"))
    issued, expires_in = _issue_token(request.args["appid"], force=True)
    return _answer({"access_token": issued, "expires_in": expires_in})


def _check_access_token() -> str:
    """The appid the request's ``access_token`` belongs to."""
    token = request.args.get("access_token", "")
    if not token:
        raise WechatErrcode(41001, "access_token missing")
    raw = _redis().get(keys.sim_access_token(token))
    if not raw:
        raise WechatErrcode(40001, "invalid credential, access_token is invalid or not latest")
    entry = json.loads(raw)
    if entry["expires_at"] <= utcnow().timestamp():
        raise WechatErrcode(42001, "access_token expired")
    return entry["appid"]


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise WechatErrcode(47001, "data format error")
    return data


@blueprint.post("/wxa/business/getuserphonenumber")
def getuserphonenumber() -> Response:
    appid = _check_access_token()
    match = PHONE_CODE.match(str(_body().get("code", "")))
    if not match:
        raise WechatErrcode(40029, "invalid code")
    number = match.group(1)
    return _answer({"errcode": 0, "errmsg": "ok", "phone_info": {
        "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
        "watermark": {"timestamp": int(utcnow().timestamp()), "appid": appid}}})


@blueprint.post("/wxa/business/getliveinfo")
def getliveinfo() -> Response:
    """小程序直播's room list: ``{start, limit}`` (limit 1..100), the rooms set for the app
    (:func:`set_live_rooms`) in WeChat's shape; none on that page is errcode 9410000."""
    appid = _check_access_token()
    body = _body()
    start, limit = body.get("start"), body.get("limit")
    if not isinstance(start, int) or isinstance(start, bool) or start < 0 or \
            not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
        raise WechatErrcode(47001, "data format error")
    raw = _redis().get(keys.sim_live_rooms(appid))
    rooms = json.loads(raw) if raw else []
    page = rooms[start:start + limit]
    if not page:
        raise WechatErrcode(9410000, "直播间列表为空")
    return _answer({"errcode": 0, "errmsg": "ok", "room_info": page, "total": len(rooms)})


def set_live_rooms(conn: Any, appid: str, rooms: list[dict[str, Any]]) -> None:
    """Give the simulated mini-program these live rooms (each as ``room_info`` lists it:
    roomid, name, cover_img, live_status, start_time, end_time, anchor_name, ...)."""
    conn.set(keys.sim_live_rooms(appid), json.dumps(rooms, ensure_ascii=False))


@blueprint.post("/wxa/sec/order/upload_shipping_info")
def upload_shipping_info() -> Response:
    _check_access_token()
    body = _body()
    mchid, out_trade_no = _shipping_order(body.get("order_key"))
    simulator = WechatPaySimulator.for_app()
    try:
        record = simulator.transaction(out_trade_no, mchid)
    except SimPayError:
        raise WechatErrcode(10060001, "支付单不存在") from None
    _check_shipping(body, record)
    uploads = simulator.shipping_uploads(out_trade_no, mchid)
    _check_shipping_history(body, uploads)
    simulator.record_shipping(mchid, out_trade_no,
                              {**body, "_received_at": utcnow().isoformat()})
    return _answer({"errcode": 0, "errmsg": "ok"})


def _shipping_order(order_key: Any) -> tuple[str, str]:
    if not isinstance(order_key, dict):
        raise WechatErrcode(10060014, "参数错误: order_key")
    kind = order_key.get("order_number_type")
    if kind == 1:
        mchid, out_trade_no = order_key.get("mchid"), order_key.get("out_trade_no")
        if not mchid or not out_trade_no:
            raise WechatErrcode(10060014, "参数错误: mchid 与 out_trade_no 必填")
        return str(mchid), str(out_trade_no)
    if kind == 2:
        located = WechatPaySimulator.for_app().locate_transaction_id(
            str(order_key.get("transaction_id", "")))
        if located is None:
            raise WechatErrcode(10060001, "支付单不存在")
        return located
    raise WechatErrcode(10060014, "参数错误: order_number_type 须为 1 或 2")


def _check_shipping(body: dict[str, Any], record: dict[str, Any]) -> None:
    if record["trade_state"] not in (TradeState.SUCCESS, TradeState.REFUND):
        raise WechatErrcode(10060004, "支付单处于不可发货的状态")
    payer = body.get("payer") if isinstance(body.get("payer"), dict) else {}
    if payer.get("openid") != record["payer"]["openid"]:
        raise WechatErrcode(10060031, "该笔支付单不属于 openid 所在用户")
    logistics, mode = body.get("logistics_type"), body.get("delivery_mode")
    if logistics not in (1, 2, 3, 4):
        raise WechatErrcode(10060005, "物流类型有误")
    if mode not in (1, 2):
        raise WechatErrcode(268485224, "发货模式非法")
    if mode == 2 and logistics != 1:
        raise WechatErrcode(10060006, "非快递发货时不允许分拆发货")
    if mode == 2 and not isinstance(body.get("is_all_delivered"), bool):
        raise WechatErrcode(10060007, "分拆发货模式下必须填写 is_all_delivered 字段")
    items = body.get("shipping_list")
    if not isinstance(items, list) or not items:
        raise WechatErrcode(10060014, "参数错误: shipping_list")
    if len(items) > 15:
        raise WechatErrcode(10060024, "物流信息列表太长")
    for item in items:
        if not isinstance(item, dict) or not item.get("item_desc"):
            raise WechatErrcode(10060008, "商品描述字段不能为空")
        if len(str(item["item_desc"])) > 120:
            raise WechatErrcode(10060009, "商品描述字段超出长度限制")
        if logistics == 1 and (not item.get("tracking_no") or not item.get("express_company")):
            raise WechatErrcode(10060014, "参数错误: 快递发货须填写 tracking_no 与 "
                                          "express_company")
    if parse_time(body.get("upload_time")) is None:
        raise WechatErrcode(268485216, "上传时间非法，请按照 RFC 3339 格式填写")


def _check_shipping_history(body: dict[str, Any], uploads: list[dict[str, Any]]) -> None:
    """Unified delivery may be corrected once; split delivery ends when all is delivered."""
    if not uploads:
        return
    last = uploads[-1]
    completed = last.get("delivery_mode") == 1 or bool(last.get("is_all_delivered"))
    if not completed:
        if body.get("delivery_mode") != 2:
            raise WechatErrcode(10060020, "该笔支付单已分拆发货，须继续使用分拆发货")
        return
    if last.get("delivery_mode") == 2:
        raise WechatErrcode(10060002, "支付单已完成发货，无法继续发货")
    if sum(1 for upload in uploads if upload.get("delivery_mode") == 1) >= 2:
        raise WechatErrcode(10060003, "支付单已使用重新发货机会")
