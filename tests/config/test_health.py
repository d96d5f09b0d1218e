"""/healthz/live and /healthz/ready, as a load balancer sees them."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from config.embedded_redis import free_port
from config.health import HEARTBEAT_KEY


@pytest.mark.django_db
def test_live_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_reports_each_part(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert (body["database"], body["cache"], body["broker"]) == ("ok", "ok", "eager")
    assert body["worker"] == {"status": "waiting", "last_heartbeat_at": None, "age_seconds": None}


@pytest.mark.django_db
def test_probes_by_ip_are_answered_whatever_the_allowed_hosts(client, settings):
    settings.ALLOWED_HOSTS = ["app.example.com"]
    assert client.get("/healthz/live", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/healthz/ready", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
@time_machine.travel("2026-11-02 10:00:00+00:00", tick=False)
def test_ready_shows_the_age_of_the_last_heartbeat(client):
    ran_at = timezone.now() - timedelta(minutes=5)
    cache.set(HEARTBEAT_KEY, {"ran_at": ran_at.isoformat(), "sent_at": None})

    worker = client.get("/healthz/ready").json()["worker"]

    assert worker["status"] == "stale"
    assert worker["last_heartbeat_at"] == ran_at.isoformat()
    assert worker["age_seconds"] == 300


@pytest.fixture
def redis_down(settings):
    """Cache and broker on a Redis that is not there."""
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}
    }
    conf = celery_app.conf
    previous = (conf.broker_url, conf.task_always_eager)
    celery_app._pool = None
    conf.broker_url, conf.task_always_eager = dead, False
    yield dead
    celery_app._pool = None
    conf.broker_url, conf.task_always_eager = previous


@pytest.mark.django_db
def test_ready_is_503_naming_redis_when_it_is_down(client, redis_down):
    response = client.get("/healthz/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["cache", "broker"]
    assert body["database"] == "ok"


@pytest.mark.django_db
def test_ready_is_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
