"""Who builds a kit, and what happens when they stop: the kit's state lives in the
database, and nothing stays "building" forever.

- A build is claimed with one conditional UPDATE that records the worker (`host:pid`);
  every progress step is a heartbeat.
- A redelivered task (acks_late: its pool child or worker died) takes over a build whose
  worker is gone: on the same host when that process no longer exists, anywhere once the
  build has shown no sign of life for KIT_BUILD_DEADLINE_SECONDS.
- `kits.tasks.kits_sweep` (periodic, config/celery.py) re-queues kits queued or building past that
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
from django.db import DatabaseError, connection
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
