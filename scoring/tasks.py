"""Celery tasks: thin, take ids, safe to run twice. Periodic ones are scheduled in
config/celery.py."""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from celery import group as celery_group
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from planner.models import BuyingGroup
from scoring.models import Snapshot
from scoring.snapshots import (
    groups_needing_rescore,
    rescore_claimed,
    rescore_marked,
    snapshot_batch,
    snapshot_take,
)

log = logging.getLogger(__name__)
CHUNK_SIZE = 200
SWEEP_LIMIT = 500
DEBOUNCE_SECONDS = 10


@shared_task(acks_late=True, ignore_result=True)
def group_rescore_task(group_id: int) -> None:
    rescore_claimed(group_id)
    rescore_marked(group_id=group_id)


@shared_task(acks_late=True, ignore_result=True)
def rescore_marked_chunk_task(group_ids: list[int]) -> int:
    done = 0
    for group_id in group_ids:
        try:
            rescore_marked(group_id=group_id)
            done += 1
        except Exception:  # one broken group must not stop the chunk
            log.exception("rescoring failed", extra={"group_id": group_id})
    return done


@shared_task(ignore_result=True)
def rescore_marked_sweep_task() -> int:
    """Every minute: rescore the groups still marked "needs rescoring" after the debounce
    (their task was never enqueued, or was lost with Redis), in chunks of tasks."""
    ids = groups_needing_rescore(
        older_than=timedelta(seconds=settings.RESCORE_SWEEP_AFTER_SECONDS), limit=SWEEP_LIMIT
    )
    chunks = [ids[i : i + CHUNK_SIZE] for i in range(0, len(ids), CHUNK_SIZE)]
    if chunks:
        celery_group(rescore_marked_chunk_task.s(chunk) for chunk in chunks).apply_async()
        log.info("marked groups sent for rescoring", extra={"groups": len(ids)})
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def rescore_chunk_task(group_ids: list[int]) -> int:
    """Snapshots of a chunk of groups: the unmarked ones scored together from a few
    queries and stored in one transaction (`snapshot_batch`), the ones marked "needs
    rescoring" one by one (their marker is cleared with their snapshot)."""
    groups = list(BuyingGroup.objects.filter(pk__in=group_ids).select_related("organization"))
    taken: list[Snapshot | None] = []
    with snapshot_batch([g for g in groups if g.rescore_requested_at is None]):
        for group in groups:
            try:
                if group.rescore_requested_at is not None:
                    taken.append(rescore_marked(group_id=group.pk))
                    continue
                taken.append(snapshot_take(group=group))
            except Exception:  # one broken group must not stop the chunk
                log.exception("rescoring failed", extra={"group_id": group.pk})
    return sum(1 for snapshot in taken if snapshot is not None and snapshot.pk is not None)


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
    (The cached analysis is renewed by the `group_changed` signal that asks for this:
    `scoring.versions`.)

    The durable "needs rescoring" marker (BuyingGroup.rescore_requested_at) was set by the
    planner in the change's own transaction: if Redis or the broker is down, the change
    still succeeds and `rescore_marked_sweep_task` rescores it."""

    def enqueue() -> None:
        key = f"rescore-pending:{group_id}"
        try:
            if not cache.add(key, 1, timeout=DEBOUNCE_SECONDS * 6):
                return
            group_rescore_task.apply_async(args=[group_id], countdown=DEBOUNCE_SECONDS)
        except Exception:  # the change and its marker are saved: the sweep rescores it
            with contextlib.suppress(Exception):
                cache.delete(key)
            log.warning("could not enqueue rescoring", extra={"group_id": group_id}, exc_info=True)

    transaction.on_commit(enqueue)


def on_group_changed(sender, *, group_id: int, rescore: bool, **kwargs) -> None:
    if rescore:
        rescore_soon(group_id)
