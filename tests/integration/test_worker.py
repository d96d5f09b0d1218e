"""The heartbeat beat schedules is executed by a real Celery worker and shown on /healthz/ready;
asking for readiness enqueues nothing."""

from datetime import datetime

import pytest
import redis
from django.core.cache import cache
from django.utils import timezone

from config.celery import app as celery_app
from config.health import HEARTBEAT_KEY, heartbeat
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def _ready(client) -> dict:
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.content
    return response.json()


def test_ready_shows_the_heartbeat_a_real_worker_ran(client, celery_worker_process, redis_url):
    started = timezone.now()
    queue = redis.Redis.from_url(redis_url)
    before = queue.llen("celery")

    body = _ready(client)
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] == "ok"  # not "eager": tasks go to Redis
    assert body["worker"]["status"] == "waiting"  # a fresh key prefix: no beat yet
    _ready(client)
    assert queue.llen("celery") == before  # asking is free: nothing was enqueued

    heartbeat.delay(sent_at=timezone.now().isoformat())  # what beat sends every minute

    wait_until(lambda: _ready(client)["worker"]["status"] == "ok", seconds=20, what="the heartbeat")
    body = _ready(client)
    ran_at = datetime.fromisoformat(body["worker"]["last_heartbeat_at"])
    assert started <= ran_at <= timezone.now()
    assert 0 <= body["worker"]["age_seconds"] < 20


def test_beat_schedules_the_heartbeat_every_minute():
    entry = celery_app.conf.beat_schedule["worker-heartbeat"]
    assert entry["task"] == heartbeat.name
    assert entry["schedule"] == 60.0


def test_heartbeat_runs_once_eagerly_and_writes_the_cache(db, client, redis_cache, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    cache.delete(HEARTBEAT_KEY)

    result = heartbeat.delay(sent_at="2026-01-01T00:00:00+00:00")

    assert result.successful()
    beat = cache.get(HEARTBEAT_KEY)
    assert beat == {"ran_at": result.get(), "sent_at": "2026-01-01T00:00:00+00:00"}
    body = client.get("/healthz").json()  # the old name answers as /healthz/ready
    assert body["broker"] == "eager"
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["last_heartbeat_at"] == beat["ran_at"]
