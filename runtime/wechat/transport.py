"""How the WeChat clients reach a server: one small function type, two implementations.

:class:`UrllibTransport` goes over the network (production, or the simulator over HTTP);
:class:`AppTransport` hands the request to a Flask app in-process (the simulators in tests
and the embedded demo). Clients only ever see :data:`Transport`.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from runtime.wechat.errors import TransportError


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str, default: str = "") -> str:
        """A header by case-insensitive name."""
        return lower_headers(self.headers).get(name.lower(), default)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


Transport = Callable[[HttpRequest], HttpResponse]


def lower_headers(headers: Mapping[str, str] | Any) -> dict[str, str]:
    """Headers (a dict, Werkzeug ``Headers`` or ``EnvironHeaders``) keyed by lower-case name."""
    return {str(k).lower(): str(v) for k, v in headers.items()}


class UrllibTransport:
    """Real HTTP with the standard library; non-2xx answers are returned, not raised."""

    in_process = False

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = urllib.request.Request(request.url, data=request.body or None,
                                     headers=dict(request.headers), method=request.method)
        try:
            with urllib.request.urlopen(raw, timeout=self.timeout) as answer:
                return HttpResponse(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, dict(exc.headers.items()), exc.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransportError(f"{request.method} {request.url}: {exc}") from exc


class AppTransport:
    """Delivers a request to ``app`` through its WSGI interface, ignoring scheme and host."""

    in_process = True

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        client = self.app.test_client()
        answer = client.open(target, method=request.method, headers=dict(request.headers),
                             data=request.body)
        try:
            return HttpResponse(answer.status_code, dict(answer.headers.items()),
                                answer.get_data())
        finally:
            answer.close()
