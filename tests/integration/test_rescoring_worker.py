"""A change committed by the web process is rescored by a real Celery worker: the task
goes through Redis after the commit, debounced, and the worker stores one Snapshot."""

import pytest

from planner import services
from scoring import tasks
from scoring.models import Snapshot
from tests.factories import OrganizationFactory, group_of
from tests.waiting import broker_idle, wait_until

pytestmark = pytest.mark.integration

DEBOUNCE = 2  # seconds; production waits 10, the path is the same


def wait_for_snapshots(group, *, seconds: float = 20.0) -> list[Snapshot]:
    wait_until(
        lambda: Snapshot.objects.filter(group=group).exists(),
        seconds=seconds,
        what="the real worker to store a snapshot",
    )
    return list(Snapshot.objects.filter(group=group))


def test_a_committed_burst_of_changes_is_rescored_once_by_the_real_worker(
    celery_worker_process, monkeypatch, redis_url
):
    monkeypatch.setattr(tasks, "DEBOUNCE_SECONDS", DEBOUNCE)
    group = group_of(OrganizationFactory(slug="acme-worker"), 3, name="Worker deal")
    people = list(group.stakeholders.order_by("name"))

    # Three separate commits, as three quick edits in the browser would be.
    services.touches_record(
        group=group, stakeholders=people, occurred_at=group.created_at, themes={"uptime": 1}
    )
    services.stakeholder_create(group=group, email="zoe@customer.example", name="Zoe")
    services.stakeholder_update(stakeholder=people[0], title="CFO")
    assert not Snapshot.objects.filter(group=group).exists()  # the worker waits the debounce

    stored = wait_for_snapshots(group)
    assert len(stored) == 1, "the real worker stored no snapshot within 20 s"
    snapshot = stored[0]
    assert snapshot.members == 4  # it saw every change of the burst
    exposures = {m["email"]: m["exposure"] for m in snapshot.document["members"]}
    assert exposures[people[0].email] == {"uptime": 1.0}
    assert exposures["zoe@customer.example"] == {}

    # No second task was queued by the burst: once the broker holds nothing, still one.
    idle = broker_idle(redis_url, task="group_rescore_task")
    wait_until(idle, seconds=DEBOUNCE + 20, what="no rescoring task left in the broker")
    assert Snapshot.objects.filter(group=group).count() == 1
