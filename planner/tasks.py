"""Celery tasks: thin, take ids, safe to run twice. Periodic ones are scheduled in
config/celery.py."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import group as celery_group
from celery import shared_task
from django.conf import settings

from planner.kit_builds import kits_sweep
from planner.kits import kit_build
from planner.models import BuyingGroup
from planner.snapshots import groups_needing_rescore, rescore_claimed, rescore_marked, snapshot_take

log = logging.getLogger(__name__)
CHUNK_SIZE = 200
SWEEP_LIMIT = 500


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


@shared_task(ignore_result=True)
def kits_sweep_task() -> dict[str, int]:
    """Every minute: kits queued or building past their deadline are re-queued (bounded)
    or marked failed with the reason (planner.kit_builds)."""
    return kits_sweep()


@shared_task(acks_late=True, ignore_result=True)
def rescore_chunk_task(group_ids: list[int]) -> int:
    stored = 0
    for group in BuyingGroup.objects.filter(pk__in=group_ids).select_related("organization"):
        try:
            if group.rescore_requested_at is not None:
                stored += rescore_marked(group_id=group.pk) is not None
                continue
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


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def kit_build_task(kit_id: int) -> None:
    kit_build(kit_id=kit_id)
