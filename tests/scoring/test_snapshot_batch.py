"""Bulk rescoring scores a chunk of groups from a few queries and stores their snapshots
together: the snapshots are the ones each group gets when scored alone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner import services
from planner.models import BuyingGroup, PlannerSettings, Stakeholder
from scoring import snapshots, tasks
from scoring.models import Snapshot
from scoring.snapshots import snapshot_batch, snapshot_take
from tests.conftest import NOW
from tests.factories import BuyingGroupFactory, group_of

COLUMNS = (
    "taken_at",
    "divergence",
    "readiness",
    "priority_divergence",
    "tailoring",
    "members",
    "fingerprint",
    "document",
)


def _touch(group, people, *, days, **what):
    services.touches_record(
        group=group, stakeholders=people, occurred_at=NOW - timedelta(days=days), **what
    )


@pytest.fixture
def varied_groups(org, other_org, downtime_calculator):
    """Groups unlike each other: sizes, stories (themes given, or an asset's), priorities,
    an organization with its own settings and one with the defaults, nobody at all."""
    PlannerSettings.objects.create(organization=org, half_life_days=10, required_roles=["user"])
    told = group_of(org, 5)
    ana, ben, cy, dee, _ = Stakeholder.objects.filter(group=told).order_by("name")
    _touch(told, [ana, ben], days=2, themes={"security": 2, "pricing": 1})
    _touch(told, [cy], days=40, asset=downtime_calculator)
    _touch(told, [dee], days=1, themes={"ease": 1})
    Stakeholder.objects.filter(pk=ana.pk).update(priorities={"security": 3})
    pair = group_of(other_org, 2)
    _touch(pair, list(Stakeholder.objects.filter(group=pair)), days=5, themes={"secrets": 1})
    return [told, pair, group_of(org, 3), BuyingGroupFactory(organization=org)]


def _stored() -> dict[int, tuple]:
    return {s.group_id: tuple(getattr(s, c) for c in COLUMNS) for s in Snapshot.objects.all()}


def test_a_chunk_stores_for_each_group_what_scoring_it_alone_stores(varied_groups, frozen_clock):
    for group in varied_groups:
        snapshot_take(group=group)
    alone = _stored()
    Snapshot.objects.all().delete()

    ids = [g.pk for g in varied_groups]
    assert tasks.rescore_chunk_task.delay(ids).get() == len(varied_groups)

    assert _stored() == alone
    assert alone[varied_groups[0].pk][1] > 0  # a group whose people heard different stories


def test_a_chunk_reads_its_groups_in_the_same_few_queries_however_many(org, frozen_clock):
    def queries_for(groups) -> int:
        Snapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            tasks.rescore_chunk_task([g.pk for g in groups])
        assert Snapshot.objects.count() == len(groups)
        return len(captured)

    groups = [group_of(org, 3) for _ in range(6)]
    assert queries_for(groups[:2]) == queries_for(groups)


def test_a_group_deleted_while_its_chunk_is_scored_gets_no_snapshot(org, frozen_clock):
    kept, deleted = group_of(org, 3), group_of(org, 2)
    with snapshot_batch([kept, deleted]):
        snapshot_take(group=kept)
        snapshot_take(group=deleted)
        BuyingGroup.objects.filter(pk=deleted.pk).delete()
    assert list(Snapshot.objects.values_list("group_id", flat=True)) == [kept.pk]


def test_a_snapshot_stored_meanwhile_by_another_run_is_not_stored_twice(org, frozen_clock):
    group = group_of(org, 3)
    with snapshot_batch([group]):
        pending = snapshot_take(group=group)
        snapshot_take(group=group)  # a second run (alone) stores the same first
    assert Snapshot.objects.count() == 1
    assert pending.pk is None  # the batch's was the same: not stored


def test_a_group_the_batch_could_not_score_is_scored_alone(org, frozen_clock, monkeypatch):
    broken, fine = group_of(org, 2), group_of(org, 3)
    real = snapshots.analyze_from

    def fails_for_broken(rows, group, *, as_of):
        if group.pk == broken.pk:
            raise RuntimeError("boom")
        return real(rows, group, as_of=as_of)

    monkeypatch.setattr(snapshots, "analyze_from", fails_for_broken)
    assert tasks.rescore_chunk_task([broken.pk, fine.pk]) == 2
    assert Snapshot.objects.count() == 2


def test_a_group_marked_for_rescoring_in_a_chunk_is_scored_and_its_mark_cleared(org, frozen_clock):
    marked, plain = group_of(org, 3), group_of(org, 2)
    BuyingGroup.objects.filter(pk=marked.pk).update(rescore_requested_at=NOW - timedelta(hours=1))

    assert tasks.rescore_chunk_task([marked.pk, plain.pk]) == 2

    assert sorted(Snapshot.objects.values_list("group_id", flat=True)) == [marked.pk, plain.pk]
    marked.refresh_from_db()
    assert marked.rescore_requested_at is None
