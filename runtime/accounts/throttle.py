"""Login throttling: Redis failure counters per account (email) and per client IP.

Each failed login increments both counters; a counter lives ``login_window_seconds`` from its
first failure. While either is at its limit every login for that account or from that IP is
refused with 429 (even with the right password) until the counter expires. A successful login
clears the account's counter; the IP's runs out on its own.
"""

from __future__ import annotations

import hashlib

import redis

from runtime.errors import TooManyRequests
from runtime.settings import Settings

ACCOUNT_KEY = "mallkit:login:fail:account:{digest}"
IP_KEY = "mallkit:login:fail:ip:{ip}"

# Count one failure.
# KEYS[1]: the counter key.  ARGV[1]: the window in seconds.
# Returns {count, ttl_seconds}; the window starts at the first failure (or a lost TTL).
RECORD_FAILURE = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""


def account_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:40]
    return ACCOUNT_KEY.format(digest=digest)


def ip_key(ip: str) -> str:
    return IP_KEY.format(ip=(ip or "unknown")[:64])


class LoginThrottle:
    """The two counters of one login attempt (an email from an IP)."""

    def __init__(self, connection: redis.Redis, settings: Settings) -> None:
        self.redis = connection
        self.window = settings.login_window_seconds
        self.limits = {"account": settings.login_max_failures_per_account,
                       "ip": settings.login_max_failures_per_ip}
        self._record = connection.register_script(RECORD_FAILURE)

    def _keys(self, email: str, ip: str) -> dict[str, str]:
        return {"account": account_key(email), "ip": ip_key(ip)}

    def check(self, email: str, ip: str) -> None:
        """Raise 429 with the seconds to wait when the account or the IP is over its limit."""
        keys = self._keys(email, ip)
        pipe = self.redis.pipeline(transaction=False)
        for key in keys.values():
            pipe.get(key)
            pipe.ttl(key)
        values = pipe.execute()
        waits = []
        for i, scope in enumerate(keys):
            count, ttl = int(values[2 * i] or 0), int(values[2 * i + 1])
            if count >= self.limits[scope]:
                waits.append(ttl if ttl > 0 else self.window)
        if waits:
            raise TooManyRequests("too many failed logins; try again later",
                                  retry_after=max(waits))

    def record_failure(self, email: str, ip: str) -> None:
        for key in self._keys(email, ip).values():
            self._record(keys=[key], args=[self.window])

    def clear_account(self, email: str) -> None:
        self.redis.delete(account_key(email))
