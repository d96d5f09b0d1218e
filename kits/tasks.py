"""Celery tasks for kits: thin, take ids, safe to run twice."""

from celery import shared_task

from kits.building import kit_build


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def kit_build_task(kit_id: int) -> None:
    kit_build(kit_id=kit_id)
