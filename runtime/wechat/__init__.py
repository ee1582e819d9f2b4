"""Talking to WeChat: Pay API v3 (``runtime.wechat.pay``), the mini-program server API
(``runtime.wechat.login``), and local simulators of both for the demo and the tests.

Other modules get their clients from :func:`pay_client` and :func:`mini_client`: a simulator
configuration is served in-process by the simulator (only while ``simulators_enabled``), a
real one goes over the network to WeChat.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from runtime.wechat.errors import SimulatorDisabled
from runtime.wechat.login import HttpWechatMiniClient, WechatMiniConfig
from runtime.wechat.pay.client import WechatPayClient
from runtime.wechat.pay.config import WechatPayConfig
from runtime.wechat.transport import AppTransport, Transport, UrllibTransport


def transport_for(app: Flask | Any, simulator: bool) -> Transport:
    """In-process to the simulators (only while on) or over the network to WeChat."""
    if not simulator:
        return UrllibTransport()
    if not app.extensions["mallkit"].settings.simulators_enabled:
        raise SimulatorDisabled("this configuration belongs to the WeChat simulator, and "
                                "simulators are off (MALLKIT_SIMULATORS)")
    return AppTransport(app)


def pay_client(config: WechatPayConfig, app: Flask | Any) -> WechatPayClient:
    """The WeChat Pay client for ``config``: simulator in-process, or real over HTTPS."""
    return WechatPayClient(config, transport_for(app, config.simulator))


def mini_client(config: WechatMiniConfig, app: Flask | Any) -> HttpWechatMiniClient:
    """The mini-program API client for ``config``, its access token cached in Redis."""
    return HttpWechatMiniClient(config, transport_for(app, config.simulator),
                                cache=app.extensions["mallkit"].redis)


def init_app(app: Flask) -> None:
    """Mount the simulators (``/_sim/wechatpay``, ``/_sim/wechat``) only when enabled, and
    then show their banner on every console and storefront page; register the live rooms'
    refresh (小程序直播, ``runtime.wechat.live``)."""
    from runtime.wechat.live import REFRESH_EVERY, refresh_all_shops

    app.extensions["mallkit"].modules.add_periodic("live-rooms-refresh", refresh_all_shops,
                                                   REFRESH_EVERY)
    if not app.extensions["mallkit"].settings.simulators_enabled:
        return
    from runtime.wechat import mini_simulator
    from runtime.wechat.guard import add_banner
    from runtime.wechat.pay import simulator, transfer_simulator  # noqa: F401 (its routes)

    app.register_blueprint(simulator.blueprint)
    app.register_blueprint(mini_simulator.blueprint)
    app.after_request(add_banner)
