"""Waiting in integration tests: on a condition, with a deadline, never a fixed sleep."""

import json
import time
from collections.abc import Callable

import pytest
import redis

POLL_SECONDS = 0.1


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    """Return as soon as ``condition()`` holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(POLL_SECONDS)


def broker_idle(
    redis_url: str, *, reserved: bool = True, task: str | None = None
) -> Callable[[], bool]:
    """A condition: Celery's default queue on this Redis holds no waiting task and, with
    ``reserved``, none reserved by a worker either (tasks with a countdown, and tasks
    running with acks_late, sit in kombu's ``unacked`` hash; a killed worker's stay there
    until the visibility timeout, so tests that kill one pass ``reserved=False``). With
    ``task``, only tasks whose name ends with it count (others may share the Redis)."""
    client = redis.Redis.from_url(redis_url)

    def counts(raw: bytes) -> bool:
        if task is None:
            return True
        message = json.loads(raw)
        if isinstance(message, list):  # unacked: [message, exchange, routing key]
            message = message[0]
        return str(message.get("headers", {}).get("task", "")).endswith(task)

    def idle() -> bool:
        waiting = client.lrange("celery", 0, -1)
        held = client.hvals("unacked") if reserved else []
        return not any(counts(raw) for raw in [*waiting, *held])

    return idle
