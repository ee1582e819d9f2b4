"""WeChat's real hosts answered by the in-process simulators, so a shop's *own* (non-simulator)
configuration runs its production code path end to end: the same clients, signatures and
checks as over the Internet, with the simulators standing where WeChat's servers are."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import pytest
from flask import Flask

from runtime.wechat.login import MINI_SIMULATOR_PREFIX
from runtime.wechat.pay.config import SIMULATOR_PREFIX
from runtime.wechat.transport import AppTransport, HttpRequest, HttpResponse

HOSTS = {"api.mch.weixin.qq.com": SIMULATOR_PREFIX, "api2.mch.weixin.qq.com": SIMULATOR_PREFIX,
         "api.weixin.qq.com": MINI_SIMULATOR_PREFIX}


class SimulatedWechatNetwork:
    """A network transport (not ``in_process``) whose WeChat hosts are the simulators."""

    in_process = False

    def __init__(self, app: Flask) -> None:
        self.inner = AppTransport(app)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parts = urlsplit(request.url)
        assert parts.scheme == "https" and parts.netloc in HOSTS, request.url
        self.requests.append(request)
        target = HOSTS[parts.netloc] + parts.path + (f"?{parts.query}" if parts.query else "")
        return self.inner(dataclasses.replace(request, url=target))


@pytest.fixture
def wechat_network(app: Flask, monkeypatch: pytest.MonkeyPatch) -> SimulatedWechatNetwork:
    network = SimulatedWechatNetwork(app)
    monkeypatch.setattr("runtime.wechat.UrllibTransport", lambda *a, **kw: network)
    return network
