"""/healthz: is the database up, is the broker up, and is a Celery worker executing tasks?

Each call enqueues a `heartbeat` task; the worker records when it ran it in the cache
(shared with the web process through Redis), and the response shows the last beat. So a
task sent from the web process and executed by the worker is visible here.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_FRESH = timedelta(minutes=3)


@shared_task(name="config.health.heartbeat", ignore_result=True)
def heartbeat(sent_at: str | None = None) -> str:
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, {"ran_at": now, "sent_at": sent_at}, timeout=None)
    return now


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # reported, never raised: health checks must answer
        log.warning("healthz database check failed", extra={"error": str(exc)})
        return "error"
    return "ok"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"  # no broker: tasks run inline in the web process
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        log.warning("healthz broker check failed", extra={"error": str(exc)})
        return "error"
    return "ok"


def _worker_status(broker: str) -> dict:
    if broker == "ok":
        try:
            heartbeat.apply_async(
                kwargs={"sent_at": timezone.now().isoformat()}, expires=60, retry=False
            )
        except Exception as exc:
            log.warning("healthz could not enqueue heartbeat", extra={"error": str(exc)})
    beat = cache.get(HEARTBEAT_KEY)
    if not beat:
        return {"status": "waiting", "last_task_ran_at": None}
    ran_at = timezone.datetime.fromisoformat(beat["ran_at"])
    fresh = timezone.now() - ran_at <= HEARTBEAT_FRESH
    return {"status": "ok" if fresh else "stale", "last_task_ran_at": beat["ran_at"]}


@never_cache
@require_GET
def healthz(request):
    database = _database_status()
    broker = _broker_status()
    worker = _worker_status(broker)
    healthy = database == "ok" and broker in {"ok", "eager"}
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "broker": broker,
            "worker": worker,
        },
        status=200 if healthy else 503,
    )
