"""The Celery app. Every periodic job is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, task_failure, worker_init
from django.core.exceptions import ImproperlyConfigured

from accounts import stale_statements
from config import celery_restart, kombu_redis
from config.production import require_production_environment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
kombu_redis.patch()  # the worker survives its broker connection dropping
celery_restart.patch()  # ... and restarting its consumer after that

app = Celery("consensus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "config.health.heartbeat",
        "schedule": 60.0,
    },
    "rescore-every-group-nightly": {
        "task": "scoring.tasks.rescore_all_task",
        "schedule": crontab(hour=2, minute=15),
    },
    "rescore-marked-groups": {
        "task": "scoring.tasks.rescore_marked_sweep_task",
        "schedule": 60.0,
    },
    "sweep-stuck-kit-builds": {
        "task": "kits.tasks.kits_sweep_task",
        "schedule": 60.0,
    },
    "retry-webhooks-every-minute": {
        "task": "api.tasks.webhook_retry_task",
        "schedule": 60.0,
    },
    "api-housekeeping-hourly": {
        "task": "api.tasks.api_housekeeping_task",
        "schedule": crontab(minute=35),
    },
    "send-digests-hourly": {
        "task": "digests.tasks.digest_dispatch_task",
        "schedule": crontab(minute=5),
    },
}


@worker_init.connect
@beat_init.connect
def _refuse_without_environment(**_kwargs) -> None:
    """DEBUG off: a worker or beat never starts without the environment (see preflight).
    SystemExit, because Celery logs and ignores an exception raised by a signal handler."""
    try:
        require_production_environment()
    except ImproperlyConfigured as error:
        raise SystemExit(f"celery: cannot start: {error}") from None


@task_failure.connect
def _renew_stale_statements(exception=None, **_kwargs) -> None:
    """A task that met a prepared statement made stale by a migration: the worker's
    connections are renewed, so the retry (and every later task) prepares afresh."""
    stale_statements.renew_after(exception)
