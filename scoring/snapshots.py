"""Storing the scores of a group at a moment, and scheduling that after changes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from planner.models import BuyingGroup
from scoring.analysis import GroupAnalysis, analyze, forecast_model
from scoring.cached import current_analysis
from scoring.core import forecast
from scoring.models import Snapshot
from scoring.signals import snapshot_stored

log = logging.getLogger(__name__)


def _rounded(value: float) -> float:
    return round(float(value), 4)


def snapshot_summary(analysis: GroupAnalysis) -> dict:
    """What a snapshot keeps of the forecast (nothing sent), for the dashboard and digest."""
    result = forecast_model(analysis).forecast(weeks=forecast.DEFAULT_WEEKS)
    return {
        "weeks": forecast.DEFAULT_WEEKS,
        "divergence": _rounded(result.divergence),
        "steady_state": _rounded(result.steady),
        "settles_in_weeks": result.settles_in,
    }


def _fingerprint(document: dict) -> str:
    stable = {k: v for k, v in document.items() if k != "as_of"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()


def snapshot_take(*, group: BuyingGroup, now: datetime | None = None) -> Snapshot | None:
    """Score the group as of `now` and store it, unless the latest snapshot of the same day
    already says exactly the same (so running this twice stores one snapshot). Without
    `now`, the group's current analysis (`scoring.cached`) is used when a page or another
    task already computed it for this version of the group this hour.

    The analysis only reads, from one consistent view of the database and without any
    write lock, so workers score groups in parallel; only checking the latest snapshot
    and inserting the new one is a (short) write transaction, which serialises two runs
    for the same group: the second finds the first's snapshot and stores nothing."""
    with _consistent_reads():
        if now is None:
            analysis = current_analysis(group, store=False)
        else:
            analysis = analyze(group, as_of=now)
        document = analysis.document()
    now = now or timezone.now()
    document["forecast"] = snapshot_summary(analysis)  # for the digest's forecast line
    fingerprint = _fingerprint(document)
    with transaction.atomic():
        BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
        latest = Snapshot.objects.filter(group=group).order_by("-taken_at", "-pk").first()
        if (
            latest is not None
            and latest.fingerprint == fingerprint
            and latest.taken_at.date() == now.date()
        ):
            return None
        snapshot = Snapshot.objects.create(
            group=group,
            taken_at=now,
            divergence=document["divergence"],
            readiness=document["readiness"]["score"],
            priority_divergence=document["priority_divergence"],
            tailoring=document["tailoring_index"],
            members=document["group"]["members"],
            document=document,
            fingerprint=fingerprint,
        )
    snapshot_stored.send(  # committed (unless nested): the group page shows the new trend
        sender=Snapshot, group_id=group.pk, snapshot=snapshot, previous=latest
    )
    return snapshot


@contextmanager
def _consistent_reads():
    """The queries inside see the database as it was at one moment (a person added in
    between never shows up in one query and not the next), without a write lock.

    SQLite (WAL): a deferred transaction, which takes no lock until it writes (Django's
    own transactions here are IMMEDIATE, which would make every worker wait for the
    others). PostgreSQL: a read-only REPEATABLE READ transaction. Inside a transaction
    already, nothing to do."""
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        yield
    elif conn.vendor == "sqlite":
        with conn.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with conn.cursor() as cursor:
                cursor.execute("COMMIT")  # it only read: nothing to keep or lose
    elif conn.vendor == "postgresql":
        with transaction.atomic():
            with conn.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        yield


def rescore_claimed(group_id: int) -> None:
    with contextlib.suppress(Exception):  # only the debounce: the marker is in the database
        cache.delete(f"rescore-pending:{group_id}")


def rescore_marked(*, group_id: int) -> Snapshot | None:
    """Score a group that needs rescoring and clear its marker, unless a change arrived
    while it was being scored (then the marker stays for the next run)."""
    marked = BuyingGroup.objects.filter(pk=group_id).values_list("rescore_requested_at", flat=True)
    requested = marked.first()
    group = BuyingGroup.objects.filter(pk=group_id).select_related("organization").first()
    if group is None:  # deleted since: nothing to do
        return None
    snapshot = snapshot_take(group=group)
    if requested is not None:
        BuyingGroup.objects.filter(pk=group_id, rescore_requested_at=requested).update(
            rescore_requested_at=None
        )
    return snapshot


def groups_needing_rescore(*, older_than: timedelta, limit: int) -> list[int]:
    """Groups whose marker is older than `older_than` (the debounced task missed them)."""
    cutoff = timezone.now() - older_than
    return list(
        BuyingGroup.objects.filter(rescore_requested_at__lt=cutoff)
        .order_by("rescore_requested_at")
        .values_list("pk", flat=True)[:limit]
    )
