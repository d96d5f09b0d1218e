"""Health checks for load balancers, orchestrators and people.

- `/healthz/live`: the process answers. No I/O at all, so a slow database never gets a
  healthy web process restarted.
- `/healthz/ready` (and `/healthz`, its old name): the database, the cache and the Celery
  broker are reachable (503 naming the failing parts otherwise), plus the age of the
  worker's last heartbeat. Beat schedules the `heartbeat` task every minute
  (config.celery); the worker records when it ran it in the shared cache. Nothing is
  enqueued per request. A missing or stale heartbeat is reported but does not fail
  readiness: the web can serve while workers restart.

`HealthCheckMiddleware` answers these paths first, before the host check and the HTTPS
redirect, so a container HEALTHCHECK or a load balancer probing by IP is answered too.
"""

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from config.celery import app as celery_app

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "health:worker-heartbeat"
HEARTBEAT_FRESH = timedelta(minutes=3)
LIVE_PATH = "/healthz/live"
READY_PATHS = frozenset({"/healthz/ready", "/healthz"})


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
        log.warning("health: database check failed", extra={"error": str(exc)})
        return "error"
    return "ok"


def _cache_status() -> tuple[str, dict | None]:
    """Whether the cache answers, and the worker's last heartbeat read from it."""
    try:
        return "ok", cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        log.warning("health: cache check failed", extra={"error": str(exc)})
        return "error", None


def _broker_status() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"  # no broker: tasks run inline in the web process
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        log.warning("health: broker check failed", extra={"error": str(exc)})
        return "error"
    return "ok"


def _worker_status(beat: dict | None) -> dict:
    if not beat:
        return {"status": "waiting", "last_heartbeat_at": None, "age_seconds": None}
    ran_at = datetime.fromisoformat(beat["ran_at"])
    age = timezone.now() - ran_at
    return {
        "status": "ok" if age <= HEARTBEAT_FRESH else "stale",
        "last_heartbeat_at": beat["ran_at"],
        "age_seconds": max(0, round(age.total_seconds())),
    }


def _json(payload: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


def live(request) -> JsonResponse:
    return _json({"status": "ok"})


def ready(request) -> JsonResponse:
    database = _database_status()
    cache_state, beat = _cache_status()
    broker = _broker_status()
    parts = {"database": database, "cache": cache_state, "broker": broker}
    failing = [name for name, state in parts.items() if state == "error"]
    return _json(
        {
            "status": "error" if failing else "ok",
            "failing": failing,
            **parts,
            "worker": _worker_status(beat),
        },
        status=503 if failing else 200,
    )


class HealthCheckMiddleware:
    """Answers GET/HEAD on the health paths before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            if request.path == LIVE_PATH:
                return live(request)
            if request.path in READY_PATHS:
                return ready(request)
        return self.get_response(request)
