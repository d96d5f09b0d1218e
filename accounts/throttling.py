"""Slow down password guessing: after LOGIN_FAILURE_LIMIT failures for one email from one
address, or ten times that from one address for any email, sign-in is refused for
LOGIN_LOCKOUT_SECONDS. Counters live in the cache (Redis in production), so every web
process sees them. While Redis is down the throttle fails open (config/cache.py answers
"no failures yet" and logs a warning): people can still sign in, unthrottled, until it is
back.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address. Behind TRUSTED_PROXIES reverse proxies, the address the
    outermost of them saw (read from the right of X-Forwarded-For, which clients cannot
    forge past our own proxies); otherwise the connection's address."""
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [h for h in forwarded if h]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _keys(request, email: str) -> tuple[tuple[str, int], ...]:
    ip = client_ip(request)
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    limit = settings.LOGIN_FAILURE_LIMIT
    return (
        (f"login-fail:pair:{digest}", limit),
        (f"login-fail:ip:{hashlib.sha256(ip.encode()).hexdigest()[:32]}", limit * 10),
    )


def login_locked(request, email: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, email))


def login_failed(request, email: str) -> None:
    for key, _limit in _keys(request, email):
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(request, email: str) -> None:
    cache.delete(_keys(request, email)[0][0])


def lockout_minutes() -> int:
    return max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))


# --- password reset --------------------------------------------------------------------
# At most this many reset requests per address, and per client, in RESET_WINDOW_SECONDS.
# Counted whether or not the address has an account, so the limit reveals nothing.
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 10
RESET_WINDOW_SECONDS = 60 * 60


def _hit(key: str, timeout: int) -> int:
    """Count one more event under `key` (in the shared cache); the count so far."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def password_reset_allowed(request, email: str) -> bool:
    """Count this reset request; False once the address or the client is over its limit."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    client = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    by_address = _hit(f"reset:address:{address}", RESET_WINDOW_SECONDS)
    by_client = _hit(f"reset:client:{client}", RESET_WINDOW_SECONDS)
    return by_address <= RESET_PER_ADDRESS and by_client <= RESET_PER_CLIENT


def reset_wait_minutes() -> int:
    return max(1, round(RESET_WINDOW_SECONDS / 60))
