"""Celery tasks for kits: thin, take ids, safe to run twice; and what sends a build to
them (enqueue, "Try again", the sweep of stuck builds, scheduled in config/celery.py).
The build's own state machine is in kits.builds."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kits.building import kit_build
from kits.builds import SWEEP_LIMIT, Status, _deadline
from kits.models import ConsensusKit

log = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def kit_build_task(kit_id: int) -> None:
    kit_build(kit_id=kit_id)


@shared_task(ignore_result=True)
def kits_sweep_task() -> dict[str, int]:
    """Every minute: kits queued or building past their deadline are re-queued (bounded)
    or marked failed with the reason."""
    return kits_sweep()


def build_enqueue(kit_id: int) -> bool:
    """Send the build to a worker. False when the broker is unreachable: the kit stays
    queued, its page says so, and the sweep sends it again."""
    try:
        kit_build_task.delay(kit_id)
    except Exception:
        log.warning("could not enqueue a kit build", extra={"kit_id": kit_id}, exc_info=True)
        ConsensusKit.objects.filter(pk=kit_id, status=Status.QUEUED).update(
            step="Waiting for the build queue"
        )
        return False
    return True


@transaction.atomic
def kit_retry(*, kit: ConsensusKit) -> bool:
    """ "Try again" on the kit page: queue a failed or overdue build once more. False (and
    nothing changes) when it finished or is still making progress."""
    kit = ConsensusKit.objects.select_for_update().get(pk=kit.pk)
    if kit.status == Status.READY or not (kit.status == Status.FAILED or kit.overdue):
        return False
    ConsensusKit.objects.filter(pk=kit.pk).update(
        status=Status.QUEUED,
        progress=0,
        step="Waiting for a worker",
        error="",
        worker="",
        requeues=0,
        queued_at=timezone.now(),
    )
    transaction.on_commit(lambda: build_enqueue(kit.pk))
    return True


def kits_sweep(*, now=None) -> dict[str, int]:
    """Re-queue (or fail, past the bound) every kit queued or building with no sign of
    life for KIT_BUILD_DEADLINE_SECONDS. Safe to run twice and concurrently: each kit is
    changed by a conditional UPDATE on what this run saw."""
    now = now or timezone.now()
    stale = now - _deadline()
    stuck = (
        ConsensusKit.objects.filter(
            Q(status=Status.QUEUED, queued_at__lt=stale)
            | Q(status=Status.QUEUED, queued_at__isnull=True, created_at__lt=stale)
            | Q(status=Status.BUILDING, heartbeat_at__lt=stale)
            | Q(status=Status.BUILDING, heartbeat_at__isnull=True, started_at__lt=stale)
        )
        .order_by("pk")
        .values("pk", "status", "requeues", "heartbeat_at", "queued_at")[:SWEEP_LIMIT]
    )
    done = {"requeued": 0, "failed": 0}
    minutes = max(1, round(settings.KIT_BUILD_DEADLINE_SECONDS / 60))
    for row in stuck:
        seen = ConsensusKit.objects.filter(
            pk=row["pk"],
            status=row["status"],
            requeues=row["requeues"],
            heartbeat_at=row["heartbeat_at"],
            queued_at=row["queued_at"],
        )
        if row["requeues"] >= settings.KIT_BUILD_MAX_REQUEUES:
            tries = row["requeues"] + 1
            reason = (
                f"The build did not finish after {tries} tries ({minutes} min each): "
                "the build workers may be down or overloaded. Try again."
            )
            if seen.update(status=Status.FAILED, step="Failed", error=reason, worker=""):
                done["failed"] += 1
                log.warning("kit build given up", extra={"kit_id": row["pk"]})
            continue
        if seen.update(
            status=Status.QUEUED,
            progress=0,
            step=f"Waiting for a worker (try {row['requeues'] + 2})",
            worker="",
            requeues=row["requeues"] + 1,
            queued_at=now,
        ):
            done["requeued"] += 1
            log.warning("kit build re-queued", extra={"kit_id": row["pk"]})
            build_enqueue(row["pk"])
    return done
