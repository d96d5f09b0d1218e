"""Celery tasks: thin, take ids, safe to run twice. Periodic ones are scheduled in
config/celery.py."""

from __future__ import annotations

import logging

from celery import group as celery_group
from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from planner.models import BuyingGroup
from scoring.snapshots import rescore_claimed, snapshot_take

log = logging.getLogger(__name__)
CHUNK_SIZE = 200
DEBOUNCE_SECONDS = 10


@shared_task(acks_late=True, ignore_result=True)
def group_rescore_task(group_id: int) -> None:
    rescore_claimed(group_id)
    group = BuyingGroup.objects.filter(pk=group_id).select_related("organization").first()
    if group is None:  # deleted since: nothing to do
        return
    snapshot_take(group=group)


@shared_task(acks_late=True, ignore_result=True)
def rescore_chunk_task(group_ids: list[int]) -> int:
    stored = 0
    for group in BuyingGroup.objects.filter(pk__in=group_ids).select_related("organization"):
        try:
            stored += snapshot_take(group=group) is not None
        except Exception:  # one broken group must not stop the chunk
            log.exception("rescoring failed", extra={"group_id": group.pk})
    return stored


@shared_task(ignore_result=True)
def rescore_all_task() -> int:
    """Nightly: a snapshot for every active group, split into chunks of tasks."""
    ids = list(
        BuyingGroup.objects.filter(archived=False).order_by("pk").values_list("pk", flat=True)
    )
    chunks = [ids[i : i + CHUNK_SIZE] for i in range(0, len(ids), CHUNK_SIZE)]
    if chunks:
        celery_group(rescore_chunk_task.s(chunk) for chunk in chunks).apply_async()
    log.info("nightly rescoring dispatched", extra={"groups": len(ids), "chunks": len(chunks)})
    return len(chunks)


def rescore_soon(group_id: int) -> None:
    """After the current transaction commits, rescore the group once: changes arriving in a
    burst (an import, several edits) share one Celery task, `DEBOUNCE_SECONDS` later.
    (The group page's cache is renewed by the `group_changed` signal that asks for this.)"""

    def enqueue() -> None:
        key = f"rescore-pending:{group_id}"
        if not cache.add(key, 1, timeout=DEBOUNCE_SECONDS * 6):
            return
        try:
            group_rescore_task.apply_async(args=[group_id], countdown=DEBOUNCE_SECONDS)
        except Exception:  # the change is saved; the nightly run rescores it if the broker is down
            cache.delete(key)
            log.warning("could not enqueue rescoring", extra={"group_id": group_id}, exc_info=True)

    transaction.on_commit(enqueue)


def on_group_changed(sender, *, group_id: int, rescore: bool, **kwargs) -> None:
    if rescore:
        rescore_soon(group_id)
