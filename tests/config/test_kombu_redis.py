"""The worker survives a dropped broker connection: a closed kombu transport says
"connection error" (which Celery recovers from) instead of crashing with AttributeError.
tests/integration/test_fault_soak.py proves it with a real worker and Redis restarts."""

from types import SimpleNamespace

import pytest
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

import config.celery  # noqa: F401 - applies the patch, as every process does


def test_a_closed_transport_raises_a_connection_error_celery_ignores():
    closed = SimpleNamespace(connection=SimpleNamespace(client=None))
    with pytest.raises(RedisConnectionError):
        kombu_redis.Channel._connparams(closed)
    assert issubclass(RedisConnectionError, kombu_redis.Transport.connection_errors)


def test_an_open_transport_builds_its_parameters_as_before(monkeypatch):
    from config import kombu_redis as fix

    seen = []
    monkeypatch.setattr(fix, "_original_connparams", lambda self, **kw: seen.append(kw) or {})
    open_channel = SimpleNamespace(connection=SimpleNamespace(client=object()))
    assert kombu_redis.Channel._connparams(open_channel, asynchronous=True) == {}
    assert seen == [{"asynchronous": True}]
