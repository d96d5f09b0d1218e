"""The group page's recent snapshots (`recent_snapshots`) are the rows listing their
queryset gives: the columns a list shows, the document loaded only when read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring.cached import snapshot_document
from scoring.models import Snapshot
from scoring.selectors import recent_snapshots
from scoring.snapshots import snapshot_take


def as_listed(group, weeks: int) -> list[Snapshot]:
    """How the selector read them before: its queryset, listed."""
    since = timezone.now() - timedelta(weeks=weeks)
    found = Snapshot.objects.filter(group=group, taken_at__gte=since).order_by("taken_at")
    return list(found.only("taken_at", "divergence", "readiness"))


def what_it_is(snapshot: Snapshot) -> tuple:
    fields = {k: v for k, v in snapshot.__dict__.items() if k != "_state"}
    state = snapshot._state
    return (fields, list(fields), state.db, state.adding, snapshot.get_deferred_fields())


def test_recent_snapshots_are_the_rows_of_their_queryset(group, foreign_group, frozen_clock):
    now = timezone.now()
    for days in (100, 40, 15, 8, 7, 1):
        snapshot_take(group=group, now=now - timedelta(days=days))
    snapshot_take(group=foreign_group, now=now - timedelta(days=2))
    for weeks in (12, 2, 1, 0):
        found = recent_snapshots(group, weeks=weeks)
        expected = as_listed(group, weeks)
        assert [what_it_is(s) for s in found] == [what_it_is(s) for s in expected]
    shown = recent_snapshots(group)
    assert len(shown) == 5  # the one of 100 days ago is older than twelve weeks
    assert [s.taken_at for s in shown] == sorted(s.taken_at for s in shown)
    assert shown[0].taken_at == now - timedelta(days=40)
    with CaptureQueriesContext(connection) as captured:
        document = shown[-1].document
    assert len(captured.captured_queries) == 1
    assert document == Snapshot.objects.get(pk=shown[-1].pk).document
    assert document["readiness"]["score"] == shown[-1].readiness


def test_reading_a_listed_document_leaves_the_row_as_django_would(group, frozen_clock):
    snapshot_take(group=group, now=timezone.now() - timedelta(days=1))
    ours = recent_snapshots(group)[-1]
    django = as_listed(group, 12)[-1]
    with CaptureQueriesContext(connection) as captured:
        ours.document  # noqa: B018 - loads it
    django.refresh_from_db(fields=["document"], from_queryset=Snapshot.objects.all())  # theirs
    assert "document" in captured.captured_queries[0]["sql"]
    assert what_it_is(ours) == what_it_is(django)  # the same values, the same fields deferred


def test_a_listed_snapshot_deleted_since_cannot_load_its_document(group, frozen_clock):
    snapshot_take(group=group, now=timezone.now() - timedelta(days=1))
    listed = recent_snapshots(group)[-1]
    Snapshot.objects.filter(pk=listed.pk).delete()
    with pytest.raises(Snapshot.DoesNotExist):
        listed.document  # noqa: B018 - reads it


def test_other_refreshes_read_every_field_asked_for(group, frozen_clock):
    snapshot_take(group=group, now=timezone.now() - timedelta(days=1))
    listed = recent_snapshots(group)[-1]
    Snapshot.objects.filter(pk=listed.pk).update(readiness=7, document={"changed": True})
    listed.refresh_from_db(fields=["readiness", "document"])
    assert (listed.readiness, listed.document) == (7, {"changed": True})


def test_a_snapshots_document_is_read_once_for_every_page_that_compares(group, frozen_clock):
    snapshot_take(group=group, now=timezone.now() - timedelta(days=8))
    listed = recent_snapshots(group)[-1]
    with CaptureQueriesContext(connection) as captured:
        document = snapshot_document(listed)
    assert len(captured.captured_queries) == 1
    assert document == Snapshot.objects.get(pk=listed.pk).document
    again = recent_snapshots(group)[-1]  # the next view: the same snapshot, listed again
    with CaptureQueriesContext(connection) as captured:
        assert snapshot_document(again) == document  # kept by the cache (then the memo)
    assert captured.captured_queries == []
