"""The worker survives restarting its consumer after the broker connection dropped: a
consumer step whose connection is gone ignores its transport's errors instead of dying
with AttributeError (config/celery_restart.py). The same failure, unpatched, is shown
first: when Celery fixes it, this test says the patch can go."""

from types import SimpleNamespace

import pytest
from celery import bootsteps
from redis.exceptions import ConnectionError as RedisConnectionError

import config.celery  # noqa: F401 - applies the patch, as every process does
from config import celery_restart


class _Gone:
    """A consumer (or channel) on a broker that is gone: every call is refused."""

    def __init__(self, calls: list) -> None:
        self.calls = calls
        self.channel = self

    def cancel(self) -> None:
        self.calls.append("cancel")
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def close(self) -> None:
        self.calls.append("close")
        raise RedisConnectionError("Connection closed by server.")


def _restarting_consumer():
    """The consumer as Celery leaves it before restarting: its connection forgotten, the
    transport's errors still known."""
    return SimpleNamespace(
        connection=None, connection_errors=(RedisConnectionError,), channel_errors=()
    )


def _step(calls: list) -> bootsteps.ConsumerStep:
    step = bootsteps.ConsumerStep(SimpleNamespace())
    step.consumers = [_Gone(calls)]
    return step


def test_unpatched_celery_dies_stopping_gossip_on_a_gone_connection():
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute"):
        celery_restart._original_close(_step([]), _restarting_consumer(), True)


def test_stopping_a_consumer_step_on_a_gone_connection_cancels_closes_and_goes_on():
    calls = []
    step = _step(calls)
    step.stop(_restarting_consumer())  # Gossip's stop during the restart: no error
    assert calls == ["cancel", "close"]
    calls.clear()
    step.shutdown(_restarting_consumer())  # at shutdown: consumers not cancelled
    assert calls == ["close"]


def test_any_other_error_still_stops_the_worker():
    step = bootsteps.ConsumerStep(SimpleNamespace())
    broken = SimpleNamespace(cancel=lambda: 1 / 0, channel=None)
    step.consumers = [broken]
    with pytest.raises(ZeroDivisionError):
        step.stop(_restarting_consumer())


def test_with_its_connection_the_step_closes_as_celery_does(monkeypatch):
    seen = []
    monkeypatch.setattr(celery_restart, "_original_close", lambda *args: seen.append(args))
    step, consumer = _step([]), SimpleNamespace(connection=object())
    step.stop(consumer)
    assert seen == [(step, consumer, True)]
