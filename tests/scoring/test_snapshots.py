"""Snapshots: every change rescored once after it commits (debounced), rescoring safe to run
twice, the nightly rescoring split in chunks, and "Since last week" on the group page."""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from planner import services
from planner.models import Stakeholder, Touch
from scoring import snapshots, tasks
from scoring.models import Snapshot
from scoring.snapshots import snapshot_take
from scoring.tasks import DEBOUNCE_SECONDS
from tests.conftest import NOW
from tests.factories import BuyingGroupFactory, group_of


def people(group) -> list[Stakeholder]:
    return list(Stakeholder.objects.filter(group=group).order_by("name"))


def log(group, recipients, *, when=None, themes=None):
    return services.touches_record(
        group=group,
        stakeholders=list(recipients),
        occurred_at=when or NOW - timedelta(hours=2),
        themes=themes or {"cost-of-downtime": 1},
    )


@pytest.fixture
def enqueued(monkeypatch):
    """Rescoring tasks sent to the broker (not run): the countdown of each, by group id."""
    sent: list[tuple[list, dict]] = []

    def apply_async(args=None, kwargs=None, **options):
        sent.append((list(args or []), options))

    monkeypatch.setattr(tasks.group_rescore_task, "apply_async", apply_async)
    return sent


def test_a_new_person_stores_one_snapshot_once_committed(
    group, frozen_clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.stakeholder_create(group=group, email="Zoe@Customer.example", name="Zoe")
        assert not Snapshot.objects.exists()  # nothing before the change commits

    snapshot = Snapshot.objects.get()
    assert snapshot.group == group and snapshot.taken_at == NOW
    assert snapshot.members == 5
    assert "zoe@customer.example" in [m["email"] for m in snapshot.document["members"]]


def test_a_logged_touch_stores_one_snapshot_with_the_new_story(
    group, frozen_clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log(group, people(group))

    snapshot = Snapshot.objects.get()
    assert snapshot.divergence == 0.0  # everyone heard the same message
    assert snapshot.document["common_ground"] == [{"theme": "cost-of-downtime", "coverage": 1.0}]


def test_a_burst_of_changes_stores_one_snapshot(
    group, frozen_clock, django_capture_on_commit_callbacks
):
    ana, ben, cy, _ = people(group)
    with django_capture_on_commit_callbacks(execute=True):
        log(group, [ana], themes={"security": 1})
        log(group, [ben, cy])
        services.stakeholder_update(stakeholder=ana, title="CFO")

    snapshot = Snapshot.objects.get()
    exposures = {m["email"]: m["exposure"] for m in snapshot.document["members"]}
    assert exposures[ana.email] == {"security": 1.0}  # the snapshot saw all three changes
    assert exposures[cy.email] == {"cost-of-downtime": 1.0}


def test_changes_committed_one_after_another_enqueue_one_delayed_rescoring(
    group, frozen_clock, enqueued, django_capture_on_commit_callbacks
):
    ana, ben, cy, _ = people(group)
    for person in (ana, ben, cy):  # three separate transactions, seconds apart
        with django_capture_on_commit_callbacks(execute=True):
            log(group, [person])
    assert enqueued == [([group.pk], {"countdown": DEBOUNCE_SECONDS})]

    tasks.group_rescore_task(group.pk)  # the worker runs it DEBOUNCE_SECONDS later
    assert Snapshot.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # a change after it ran
        log(group, [ana], themes={"security": 1})
    assert len(enqueued) == 2


def test_a_change_that_rolls_back_rescores_nothing(
    group, enqueued, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.stakeholder_create(group=group, email="zoe@customer.example")
        raise RuntimeError("the request failed after the change")
    assert callbacks == [] and enqueued == []
    assert not Snapshot.objects.exists()


def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to localhost:6379. Connection refused.")


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_does_not_turn_a_saved_touch_into_an_error(
    client, marketer, group, monkeypatch
):
    monkeypatch.setattr(tasks.group_rescore_task, "apply_async", _broker_down)
    client.force_login(marketer)
    client.raise_request_exception = False
    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        {
            "touch-recipients": [p.pk for p in people(group)],
            "touch-occurred_at": "2026-01-04T09:30",
            "touch-themes": "cost-of-downtime",
        },
    )
    assert Touch.objects.filter(group=group).count() == 4  # saved either way
    assert response.status_code == 303


@pytest.mark.django_db(transaction=True)
def test_after_a_failed_enqueue_the_next_change_is_rescored(group, monkeypatch):
    monkeypatch.setattr(tasks.group_rescore_task, "apply_async", _broker_down)
    ana = people(group)[0]
    with contextlib.suppress(OperationalError):
        services.stakeholder_update(stakeholder=ana, title="CFO")  # commits, enqueue fails
    sent = []
    monkeypatch.setattr(  # the broker is back
        tasks.group_rescore_task, "apply_async", lambda *a, **k: sent.append(k)
    )
    services.stakeholder_update(stakeholder=ana, title="CEO")
    assert sent == [{"args": [group.pk], "countdown": DEBOUNCE_SECONDS}]


def test_rescoring_twice_stores_one_snapshot_but_a_change_between_stores_another(
    group, frozen_clock
):
    tasks.group_rescore_task.delay(group.pk)
    tasks.group_rescore_task.delay(group.pk)
    assert Snapshot.objects.count() == 1

    frozen_clock.shift(timedelta(minutes=5))
    log(group, people(group)[:2])  # its own rescoring never commits inside the test
    tasks.group_rescore_task.delay(group.pk)
    first, second = Snapshot.objects.order_by("taken_at")
    assert (first.divergence, second.divergence) == (1.0, pytest.approx(0.5, abs=0.01))
    assert second.taken_at == NOW + timedelta(minutes=5)


def test_rescoring_a_deleted_group_does_nothing(group):
    pk = group.pk
    group.delete()
    tasks.group_rescore_task.delay(pk)
    assert not Snapshot.objects.exists()


def test_a_new_day_stores_a_new_snapshot_even_if_nothing_changed(group, frozen_clock):
    assert snapshot_take(group=group) is not None
    assert snapshot_take(group=group, now=NOW + timedelta(hours=6)) is None
    later = snapshot_take(group=group, now=NOW + timedelta(days=1))
    assert later is not None and later.taken_at == NOW + timedelta(days=1)
    assert Snapshot.objects.count() == 2
    first, second = Snapshot.objects.order_by("taken_at")
    assert first.document == {**second.document, "as_of": first.document["as_of"]}


def test_nightly_rescoring_splits_groups_in_chunks_and_skips_archived_ones(
    org, other_org, frozen_clock, monkeypatch
):
    monkeypatch.setattr(tasks, "CHUNK_SIZE", 2)
    active = [group_of(org, 3) for _ in range(3)] + [group_of(other_org, 2) for _ in range(2)]
    archived = BuyingGroupFactory(organization=org, archived=True)
    chunks: list[list[int]] = []
    run_chunk = tasks.rescore_chunk_task.run

    def spy(group_ids):
        chunks.append(list(group_ids))
        return run_chunk(group_ids)

    monkeypatch.setattr(tasks.rescore_chunk_task, "run", spy)

    assert tasks.rescore_all_task.delay().get() == 3

    ids = sorted(g.pk for g in active)
    assert chunks == [ids[0:2], ids[2:4], ids[4:5]]
    assert sorted(Snapshot.objects.values_list("group_id", flat=True)) == ids
    assert not Snapshot.objects.filter(group=archived).exists()
    assert tasks.rescore_all_task.delay().get() == 3  # again the same night: nothing new
    assert Snapshot.objects.count() == 5


def test_one_broken_group_does_not_stop_its_chunk(org, frozen_clock, monkeypatch):
    first, second = group_of(org, 2), group_of(org, 2)
    real = snapshots.snapshot_take

    def broken_for_first(*, group, now=None):
        if group.pk == first.pk:
            raise RuntimeError("boom")
        return real(group=group, now=now)

    monkeypatch.setattr(tasks, "snapshot_take", broken_for_first)
    assert tasks.rescore_chunk_task.delay([first.pk, second.pk]).get() == 1
    assert list(Snapshot.objects.values_list("group_id", flat=True)) == [second.pk]


def test_since_last_week_compares_with_the_snapshot_of_a_week_ago(
    client, marketer, group, frozen_clock
):
    snapshot_take(group=group, now=NOW - timedelta(days=8))  # nobody reached yet
    client.force_login(marketer)
    before = client.get(f"/groups/{group.pk}/").content.decode()
    assert "Nothing important changed since last week." in before

    response = client.post(
        f"/groups/{group.pk}/touches/new/",
        {
            "touch-recipients": [p.pk for p in people(group)],
            "touch-occurred_at": "2026-10-31T09:00",
            "touch-themes": "cost-of-downtime",
        },
    )
    assert response.status_code == 303
    snapshot_take(group=group, now=NOW - timedelta(days=3))  # newer than a week: not compared

    html = client.get(f"/groups/{group.pk}/").content.decode()
    changes = html.split('id="changes-title"', 1)[1].split("</ul>", 1)[0]
    assert "Readiness rose from" in changes
    assert "Divergence is measured now that people were reached: 0 points." in changes
