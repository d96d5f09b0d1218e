"""The Celery app. Every periodic job is declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("consensus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "worker-heartbeat": {
        "task": "config.health.heartbeat",
        "schedule": 60.0,
    },
}
# crontab is imported for the schedules later issues add (nightly rescoring, digests).
__all__ = ("app", "crontab")
