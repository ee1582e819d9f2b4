"""Downloading an external image: http(s) only, a timeout, a size cap, no private hosts.

Every hop of a redirect is checked again, and each connection goes to the very address that
was checked (the host is resolved once per connection, inside it), so a DNS answer that
changes between the check and the connect (DNS rebinding) cannot reach a private host.
Environment proxies are not used. :class:`Unreachable` means "try again later" (network
errors, timeouts, 5xx, 408, 429); :class:`FetchRefused` means it never will work.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

USER_AGENT = "mallkit-media/1.0 (+https://mallkit.dev)"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class FetchError(Exception):
    """Base of download failures; ``str()`` is safe to store as ``last_error``."""


class Unreachable(FetchError):
    """The server could not be reached or answered 'later'; worth retrying."""


class FetchRefused(FetchError):
    """A download that will never succeed: bad scheme, private host, 404, too large."""

    def __init__(self, message: str, code: str = "http_error") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    allow_private_hosts: bool = False


def _resolve(host: str, port: int | None) -> list[Any]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unreachable(f"cannot resolve {host}: {exc}") from None


def _is_public(info: Any) -> bool:
    address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
    return address.is_global and not address.is_multicast


def host_is_public(host: str) -> bool:
    """True when every address ``host`` resolves to is a public unicast one."""
    return all(_is_public(info) for info in _resolve(host, None))


def _connect_checked(policy: FetchPolicy, address: tuple[str, int],
                     timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
                     source_address: Any = None) -> socket.socket:
    """Resolve ``address`` once, refuse it unless every answer is allowed, and connect to
    one of exactly those answers (``http.client``'s ``_create_connection``)."""
    host, port = address
    infos = _resolve(host, port)
    if not policy.allow_private_hosts and not all(_is_public(info) for info in infos):
        raise FetchRefused(f"{host} is not a public host", code="forbidden_host")
    error: OSError | None = None
    for info in infos:
        try:  # a literal address: create_connection does no further look-up
            return socket.create_connection(info[4][:2], timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError(f"cannot connect to {host}")


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, policy: FetchPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_connect_checked, policy)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate checks for the URL's host."""

    def __init__(self, *args: Any, policy: FetchPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = functools.partial(_connect_checked, policy)


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, policy: FetchPolicy) -> None:
        super().__init__()
        self.policy = policy

    def http_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(_PinnedHTTPConnection, policy=self.policy), req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, policy: FetchPolicy) -> None:
        super().__init__()
        self.policy = policy

    def https_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(_PinnedHTTPSConnection, policy=self.policy), req,
                            context=ssl.create_default_context())


def check_url(url: str, policy: FetchPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"only http(s) URLs can be fetched, not {url[:80]!r}",
                           code="unsupported_media")
    if not policy.allow_private_hosts and not host_is_public(parts.hostname):
        raise FetchRefused(f"{parts.hostname} is not a public host", code="forbidden_host")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        check_url(newurl, self.policy)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, policy: FetchPolicy) -> bytes:
    """The body at ``url`` (at most ``policy.max_bytes``), or a :class:`FetchError`."""
    check_url(url, policy)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         _PinnedHTTPHandler(policy), _PinnedHTTPSHandler(policy),
                                         _CheckedRedirects(policy))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "image/*"})
    try:
        with opener.open(request, timeout=policy.timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                raise FetchRefused(f"the image is larger than {policy.max_bytes} bytes",
                                   code="too_large")
            body = response.read(policy.max_bytes + 1)
    except urllib.error.HTTPError as exc:
        if exc.code in RETRYABLE_STATUS:
            raise Unreachable(f"HTTP {exc.code} from {urlsplit(url).hostname}") from None
        raise FetchRefused(f"HTTP {exc.code} from {urlsplit(url).hostname}",
                           code="not_found" if exc.code in (404, 410) else "http_error") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(f"cannot fetch {urlsplit(url).hostname}: {reason}") from None
    if len(body) > policy.max_bytes:
        raise FetchRefused(f"the image is larger than {policy.max_bytes} bytes", code="too_large")
    return body
