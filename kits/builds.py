"""Who builds a kit, and what happens when they stop: the kit's state lives in the
database, and nothing stays "building" forever.

- A build is claimed with one conditional UPDATE that records the worker (`host:pid`);
  every progress step is a heartbeat.
- A redelivered task (acks_late: its pool child or worker died) takes over a build whose
  worker is gone: on the same host when that process no longer exists, anywhere once the
  build has shown no sign of life for KIT_BUILD_DEADLINE_SECONDS.
- `kits_sweep` (periodic, config/celery.py) re-queues kits queued or building past that
  deadline, at most KIT_BUILD_MAX_REQUEUES times, then marks them failed with the reason.
  It covers the messages Redis lost (a worker killed while Redis restarted, `make run`
  stopped with builds queued).
- A failed build is recorded even when the database connection died under it: the
  connection is closed and the update runs on a fresh one.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from kits.models import ConsensusKit

log = logging.getLogger(__name__)
Status = ConsensusKit.Status
SWEEP_LIMIT = 200


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_gone(worker: str) -> bool:
    """True when `worker` ("host:pid") ran on this host and that process is gone (or is
    this very process, which is not building anything while it claims)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, owned by someone else
        return False
    return False


def _deadline() -> timedelta:
    return timedelta(seconds=settings.KIT_BUILD_DEADLINE_SECONDS)


def build_claim(*, kit_id: int) -> bool:
    """Take the kit for building: queued, or building by a worker that is gone."""
    now = timezone.now()
    current = ConsensusKit.objects.filter(pk=kit_id).values("status", "worker").first()
    if current is None:
        return False
    claimable = Q(status=Status.QUEUED) | Q(
        status=Status.BUILDING, heartbeat_at__lt=now - _deadline()
    )
    if current["status"] == Status.BUILDING and worker_gone(current["worker"]):
        claimable |= Q(status=Status.BUILDING, worker=current["worker"])
        log.warning(
            "taking over a kit build whose worker is gone",
            extra={"kit_id": kit_id, "worker": current["worker"]},
        )
    return bool(
        ConsensusKit.objects.filter(pk=kit_id)
        .filter(claimable)
        .update(
            status=Status.BUILDING,
            progress=5,
            step="Starting",
            error="",
            started_at=now,
            heartbeat_at=now,
            worker=worker_id(),
        )
    )


def build_progress(*, kit_id: int, percent: int, step: str) -> None:
    ConsensusKit.objects.filter(pk=kit_id).update(
        progress=percent, step=step, heartbeat_at=timezone.now()
    )


def build_failed(*, kit_id: int, reason: str) -> None:
    """Mark the build failed with `reason`, on a fresh connection if the one it ran on
    died (a dead connection cannot even roll back, let alone record the failure)."""
    update = {"status": Status.FAILED, "step": "Failed", "error": reason[:500], "worker": ""}
    for attempt in (1, 2):
        try:
            ConsensusKit.objects.filter(pk=kit_id).exclude(status=Status.READY).update(**update)
            return
        except DatabaseError:
            if attempt == 2:
                log.exception("could not record a failed kit build", extra={"kit_id": kit_id})
                return  # the sweep marks it once the deadline passes
            log.warning("database connection lost; reconnecting", extra={"kit_id": kit_id})
            if not connection.in_atomic_block:
                connection.close()


def build_enqueue(kit_id: int) -> bool:
    """Send the build to a worker. False when the broker is unreachable: the kit stays
    queued, its page says so, and the sweep sends it again."""
    from kits.tasks import kit_build_task

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
