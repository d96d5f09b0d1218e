"""A fix for kombu's Redis transport (kombu 5.7.0, the latest release): the worker died
when its broker connection dropped.

On a lost connection Celery collects the connection (which closes the transport and
forgets its client) and then closes it. Closing the channel a second time restores the
unacknowledged messages, which needs a fresh Redis client, built from the transport's
client: `None` by then, so `Channel._connparams` raised
`AttributeError: 'NoneType' object has no attribute 'hostname'`. That is not one of the
connection errors Celery ignores while reconnecting, so the worker stopped (under
`make run`, everything stopped). Upstream: celery/kombu#582 and #970 show the same
failure in older releases.

`patch()` makes a closed transport raise redis' `ConnectionError` instead: a connection
error like any other, which Celery ignores and recovers from by reconnecting. The
unacknowledged messages stay in Redis' unacked index and are restored after the
visibility timeout, as after any crash. Applied by config/celery.py on import.
"""

from __future__ import annotations

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_original_connparams = kombu_redis.Channel._connparams


def _connparams(self, asynchronous: bool = False) -> dict:
    connection = self.connection
    if connection is None or connection.client is None:
        raise RedisConnectionError("the broker connection is closed")
    return _original_connparams(self, asynchronous=asynchronous)


def patch() -> None:
    kombu_redis.Channel._connparams = _connparams
