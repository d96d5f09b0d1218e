"""Storing the scores of a group at a moment, and scheduling that after changes."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from planner.models import BuyingGroup, Snapshot
from planner.scoring import analyze

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 10


def _fingerprint(document: dict) -> str:
    stable = {k: v for k, v in document.items() if k != "as_of"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()


@transaction.atomic
def snapshot_take(*, group: BuyingGroup, now: datetime | None = None) -> Snapshot | None:
    """Score the group as of `now` and store it, unless the latest snapshot of the same day
    already says exactly the same (so running this twice stores one snapshot)."""
    now = now or timezone.now()
    BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
    analysis = analyze(group, as_of=now)
    document = analysis.document()
    fingerprint = _fingerprint(document)
    latest = Snapshot.objects.filter(group=group).order_by("-taken_at", "-pk").first()
    if (
        latest is not None
        and latest.fingerprint == fingerprint
        and latest.taken_at.date() == now.date()
    ):
        return None
    return Snapshot.objects.create(
        group=group,
        taken_at=now,
        divergence=document["divergence"],
        readiness=document["readiness"]["score"],
        priority_divergence=document["priority_divergence"],
        tailoring=document["tailoring_index"],
        members=document["group"]["members"],
        document=document,
        fingerprint=fingerprint,
    )


def rescore_soon(group_id: int) -> None:
    """After the current transaction commits, rescore the group once: changes arriving in a
    burst (an import, several edits) share one Celery task, `DEBOUNCE_SECONDS` later."""

    def enqueue() -> None:
        from planner.tasks import group_rescore_task

        key = f"rescore-pending:{group_id}"
        if not cache.add(key, 1, timeout=DEBOUNCE_SECONDS * 6):
            return
        try:
            group_rescore_task.apply_async(args=[group_id], countdown=DEBOUNCE_SECONDS)
        except Exception:  # the change is saved; the nightly run rescores it if the broker is down
            cache.delete(key)
            log.warning("could not enqueue rescoring", extra={"group_id": group_id}, exc_info=True)

    transaction.on_commit(enqueue)


def rescore_claimed(group_id: int) -> None:
    cache.delete(f"rescore-pending:{group_id}")
