"""Django's Redis cache, that keeps answering while Redis is down or restarting.

Nothing the app keeps in the cache is the only copy: page fragments and analyses are
recomputed, the rescoring debounce has a durable marker in the database, login throttling
and share-link rate limits fail open. So when Redis cannot be reached, reads miss, writes
are dropped, `add` says "added" (the caller goes ahead), and a warning is logged (at most
once every LOG_EVERY seconds per process), instead of a 500 on every page.

Keys under STRICT_PREFIXES still raise: the health check (config/health.py reads the
worker heartbeat under "health:") must see Redis down and answer 503.

Each connection pool gets one `redis.Redis` client, made on first use (`_OneClientPerPool`):
Django makes a new one for every operation, which costs more than a small GET itself.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
LOG_EVERY = 10.0
STRICT_PREFIXES = ("health:",)
_last_logged = 0.0


def _report(operation: str, error: Exception) -> None:
    global _last_logged  # one timestamp per process, for rate limiting
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY:
        _last_logged = now
        log.warning(
            "cache unavailable; carrying on without it",
            extra={"operation": operation, "error": f"{type(error).__name__}: {error}"},
        )


def _fallback(value_when_down):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                if args and isinstance(args[0], str) and args[0].startswith(STRICT_PREFIXES):
                    raise
                _report(method.__name__, error)
                return value_when_down(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta


def _always(value):
    return lambda *args, **kwargs: value() if callable(value) else value


class _OneClientPerPool(RedisCacheClient):
    """Django's Redis client maker, that keeps the client it makes for each connection pool.
    A `redis.Redis` is safe to share between threads (each command takes a connection from
    the pool and gives it back) and its pool starts afresh in a forked process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = super().get_client(key, write=write)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    get = _fallback(_default)(RedisCache.get)
    get_many = _fallback(_always(dict))(RedisCache.get_many)
    has_key = _fallback(_always(False))(RedisCache.has_key)
    add = _fallback(_always(True))(RedisCache.add)  # fail open: the caller goes ahead
    set = _fallback(_always(None))(RedisCache.set)
    set_many = _fallback(_always(list))(RedisCache.set_many)
    touch = _fallback(_always(False))(RedisCache.touch)
    delete = _fallback(_always(False))(RedisCache.delete)
    delete_many = _fallback(_always(None))(RedisCache.delete_many)
    incr = _fallback(_delta)(RedisCache.incr)
    clear = _fallback(_always(False))(RedisCache.clear)
