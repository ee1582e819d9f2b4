"""Downloading an external image: http(s) only, a timeout, a size cap, no private hosts.

Every hop of a redirect is checked again. :class:`Unreachable` means "try again later"
(network errors, timeouts, 5xx, 408, 429); :class:`FetchRefused` means it never will work.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
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


def host_is_public(host: str) -> bool:
    """True when every address ``host`` resolves to is a public unicast one."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unreachable(f"cannot resolve {host}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            return False
    return True


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
    opener = urllib.request.build_opener(_CheckedRedirects(policy))
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
