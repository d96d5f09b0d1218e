"""Redis down is not a 500: the cache answers "miss", sign-in fails open, writes succeed
and say so, and the change is marked for rescoring in the database."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from kombu.exceptions import OperationalError

from config import cache as config_cache
from config.embedded_redis import free_port
from planner import services
from planner.models import BuyingGroup, Stakeholder
from scoring import tasks
from scoring.models import Snapshot
from tests.factories import TEST_PASSWORD


@pytest.fixture
def redis_down(settings):
    """The cache on a Redis that is not there (nothing listens on the port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def broker_down(monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.group_rescore_task, "apply_async", refused)


def test_the_cache_misses_and_logs_instead_of_raising(redis_down, caplog, monkeypatch):
    monkeypatch.setattr(config_cache, "_last_logged", 0.0)  # not rate-limited by another test
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.add("k", 1) is True
        assert cache.get_many(["a", "b"]) == {}
        assert cache.incr("k") == 1
        cache.set("k", 1)
        cache.delete("k")
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


def test_the_health_check_still_sees_redis_down(client, db, redis_down):
    from redis.exceptions import ConnectionError as RedisConnectionError

    with pytest.raises(RedisConnectionError):
        cache.get("health:worker-heartbeat")
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["cache"] == "error" and "cache" in response.json()["failing"]


def test_sign_in_works_while_redis_is_down(client, marketer, redis_down):
    response = client.post("/login/", {"username": "marketer@acme.test", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == "/"
    client.logout()
    wrong = client.post("/login/", {"username": "marketer@acme.test", "password": "nope"})
    assert wrong.status_code == 200  # the form, not a 500


def test_adding_a_person_while_redis_is_down_is_saved_said_and_marked(
    client, marketer, group, redis_down, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(marketer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/groups/{group.pk}/people/new/",
            {
                "person-name": "Zoe",
                "person-email": "zoe@x.example",
                "person-influence": 3,
                "person-stance": "unknown",
                "person-buying_role": "other",
            },
            follow=True,
        )
    assert response.status_code == 200
    assert "Zoe was added to the map." in response.content.decode()
    assert Stakeholder.objects.filter(group=group, email="zoe@x.example").exists()
    group.refresh_from_db()
    assert group.rescore_requested_at is not None  # the durable marker, with the change


def test_the_marker_rolls_back_with_a_change_that_fails(group):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.stakeholder_create(group=group, email="zoe@x.example", name="Zoe")
        assert BuyingGroup.objects.get(pk=group.pk).rescore_requested_at is not None
        raise RuntimeError("the change failed")
    group.refresh_from_db()
    assert group.rescore_requested_at is None
    assert not Stakeholder.objects.filter(email="zoe@x.example").exists()


def test_the_sweep_rescores_marked_groups_and_clears_them(group, other_org, settings):
    settings.RESCORE_SWEEP_AFTER_SECONDS = 60
    marked_at = timezone.now()
    BuyingGroup.objects.filter(pk=group.pk).update(rescore_requested_at=marked_at)
    with time_machine.travel(marked_at + timedelta(seconds=30), tick=False):
        assert tasks.rescore_marked_sweep_task() == 0  # the debounced task still may come
    with time_machine.travel(marked_at + timedelta(seconds=61), tick=False):
        assert tasks.rescore_marked_sweep_task() == 1  # eager here: rescored inline
    group.refresh_from_db()
    assert group.rescore_requested_at is None
    assert Snapshot.objects.filter(group=group).count() == 1
    assert tasks.rescore_marked_sweep_task() == 0


def test_a_change_during_rescoring_keeps_the_marker(group, monkeypatch):
    from scoring import snapshots

    BuyingGroup.objects.filter(pk=group.pk).update(rescore_requested_at=timezone.now())
    real = snapshots.snapshot_take

    def change_arrives_meanwhile(*, group, now=None):
        BuyingGroup.objects.filter(pk=group.pk).update(
            rescore_requested_at=timezone.now() + timedelta(seconds=1)
        )
        return real(group=group, now=now)

    monkeypatch.setattr(snapshots, "snapshot_take", change_arrives_meanwhile)
    snapshots.rescore_marked(group_id=group.pk)
    group.refresh_from_db()
    assert group.rescore_requested_at is not None


def test_the_sweeps_are_scheduled_every_minute():
    from config.celery import app

    schedule = app.conf.beat_schedule
    assert schedule["rescore-marked-groups"]["task"] == "scoring.tasks.rescore_marked_sweep_task"
    assert schedule["sweep-stuck-kit-builds"]["task"] == "kits.tasks.kits_sweep_task"
    assert schedule["rescore-marked-groups"]["schedule"] == 60.0
    for name in ("rescore-marked-groups", "sweep-stuck-kit-builds"):
        assert schedule[name]["task"] in app.tasks


def test_one_redis_client_serves_every_operation(redis_down):
    """Django makes a client per operation; ours makes one per connection pool (a client
    is shared safely between threads), and a Redis that is down still only misses."""
    clients = cache._cache
    assert clients.get_client("a") is clients.get_client("b", write=True)
    assert cache.get("k", "default") == "default"
    assert cache._cache.get_client("c") is clients.get_client("a")
