"""Login throttling in Redis, built so that an attacker cannot lock an owner out of their own
account, and sign-up limits.

Three counters, each living ``login_window_seconds`` from its first failure:

- per account *from one client address* (``login_max_failures_per_account``, 5): guessing from
  one address stops there, while the owner, from their own address, still logs in;
- per client address across accounts (``login_max_failures_per_ip``, 30);
- per account from every address: past ``login_delay_after_failures`` (10) each further attempt
  waits 2, 4, 8 ... seconds (at most ``login_max_delay_seconds``) after the last failure, so a
  distributed guess is slowed to a crawl and the owner waits seconds, not 15 minutes.

A successful login clears the account's counters; the address's runs out on its own. Client
addresses are proxy-aware (``MALLKIT_TRUSTED_PROXIES``, werkzeug's ``ProxyFix``). Times come
from ``runtime.clock`` so tests advance them.
"""

from __future__ import annotations

import hashlib

import redis

from runtime.clock import utcnow
from runtime.errors import TooManyRequests
from runtime.redis_scripts import COUNT_ACCOUNT_FAILURE, COUNT_IN_WINDOW
from runtime.settings import Settings

PAIR_KEY = "mallkit:login:fail:account:{digest}:ip:{ip}"
IP_KEY = "mallkit:login:fail:ip:{ip}"
ACCOUNT_KEY = "mallkit:login:fail:account:{digest}"
SIGNUP_KEY = "mallkit:signup:ip:{ip}"



def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]


def _ip(ip: str) -> str:
    return (ip or "unknown")[:64]


def account_key(email: str, ip: str) -> str:
    """The counter of ``email``'s failures from ``ip``."""
    return PAIR_KEY.format(digest=_digest(email), ip=_ip(ip))


def account_total_key(email: str) -> str:
    return ACCOUNT_KEY.format(digest=_digest(email))


def ip_key(ip: str) -> str:
    return IP_KEY.format(ip=_ip(ip))


class LoginThrottle:
    """The counters of one login attempt (an email from a client address)."""

    def __init__(self, connection: redis.Redis, settings: Settings) -> None:
        self.redis = connection
        self.settings = settings
        self.window = settings.login_window_seconds

    def check(self, email: str, ip: str) -> None:
        """Raise 429 with the seconds to wait while this attempt is held back."""
        s = self.settings
        pipe = self.redis.pipeline(transaction=False)
        for key in (account_key(email, ip), ip_key(ip)):
            pipe.get(key)
            pipe.ttl(key)
        pipe.hmget(account_total_key(email), "n", "last")
        pair, pair_ttl, by_ip, ip_ttl, (total, last) = pipe.execute()
        waits = []
        for count, ttl, limit in ((pair, pair_ttl, s.login_max_failures_per_account),
                                  (by_ip, ip_ttl, s.login_max_failures_per_ip)):
            if int(count or 0) >= limit:
                waits.append(ttl if ttl > 0 else self.window)
        beyond = int(total or 0) - s.login_delay_after_failures
        if beyond >= 0 and last:
            delay = min(2 ** (beyond + 1), s.login_max_delay_seconds)
            remaining = float(last) + delay - utcnow().timestamp()
            if remaining > 0:
                waits.append(int(-(-remaining // 1)))
        if waits:
            raise TooManyRequests("too many failed logins; try again later",
                                  retry_after=max(waits))

    def record_failure(self, email: str, ip: str) -> None:
        for key in (account_key(email, ip), ip_key(ip)):
            COUNT_IN_WINDOW(self.redis, keys=[key], args=[self.window])
        COUNT_ACCOUNT_FAILURE(self.redis, keys=[account_total_key(email)],
                              args=[self.window, utcnow().timestamp()])

    def clear_account(self, email: str, ip: str) -> None:
        self.redis.delete(account_key(email, ip), account_total_key(email))


def count_signup(connection: redis.Redis, settings: Settings, ip: str) -> None:
    """Count a sign-up attempt from ``ip``; 429 past ``signup_max_per_ip`` in the window."""
    count, ttl = COUNT_IN_WINDOW(connection, keys=[SIGNUP_KEY.format(ip=_ip(ip))],
                                 args=[settings.signup_window_seconds])
    if int(count) > settings.signup_max_per_ip:
        raise TooManyRequests("too many sign-ups from this address; try again later",
                              retry_after=int(ttl) if int(ttl) > 0 else
                              settings.signup_window_seconds)
