"""Celery tasks for kits: thin, take ids, safe to run twice. The sweep is scheduled in
config/celery.py."""

from celery import shared_task

from kits.builds import kits_sweep
from kits.services import kit_build


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def kit_build_task(kit_id: int) -> None:
    kit_build(kit_id=kit_id)


@shared_task(ignore_result=True)
def kits_sweep_task() -> dict[str, int]:
    """Every minute: kits queued or building past their deadline are re-queued (bounded)
    or marked failed with the reason (kits.builds)."""
    return kits_sweep()
