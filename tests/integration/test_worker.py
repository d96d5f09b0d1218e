"""A task sent by the web process is executed by a real Celery worker, seen on /healthz."""

import time
from datetime import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from config.celery import app as celery_app
from config.health import HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.integration


def test_healthz_heartbeat_is_executed_by_a_real_worker(client, celery_worker_process):
    started = timezone.now()
    assert cache.get(HEARTBEAT_KEY) is None  # a fresh key prefix: nothing ran yet

    first = client.get("/healthz")
    assert first.status_code == 200
    body = first.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"  # not "eager": the task went to Redis

    deadline = time.monotonic() + 20
    while True:
        body = client.get("/healthz").json()
        if body["worker"]["status"] == "ok" or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert body["status"] == "ok"
    assert body["worker"]["status"] == "ok", body
    ran_at = datetime.fromisoformat(body["worker"]["last_task_ran_at"])
    assert started <= ran_at <= timezone.now()
    # The worker ran what /healthz sent: each beat records when it was sent, then ran.
    beat = cache.get(HEARTBEAT_KEY)  # maybe a later beat than the one reported above
    sent_at = datetime.fromisoformat(beat["sent_at"])
    assert started <= sent_at <= datetime.fromisoformat(beat["ran_at"])


def test_heartbeat_runs_once_eagerly_and_writes_the_cache(db, client, redis_cache, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    cache.delete(HEARTBEAT_KEY)

    result = heartbeat.delay(sent_at="2026-01-01T00:00:00+00:00")

    assert result.successful()
    beat = cache.get(HEARTBEAT_KEY)
    assert beat == {"ran_at": result.get(), "sent_at": "2026-01-01T00:00:00+00:00"}
    # /healthz reads the same entry back (and, eager, enqueues nothing).
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "eager"
    assert response.json()["worker"] == {"status": "ok", "last_task_ran_at": beat["ran_at"]}
