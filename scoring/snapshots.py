"""Storing the scores of a group at a moment, and scheduling that after changes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from planner.models import BuyingGroup
from scoring.analysis import GroupAnalysis, analyze, forecast_model
from scoring.batch_analysis import analyze_from, batches, read_batch
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
    for the same group: the second finds the first's snapshot and stores nothing.

    Inside :func:`snapshot_batch` (and without `now`), a group of the batch is scored from
    the batch's reads, and its snapshot is stored with the batch's others when the batch
    ends: the Snapshot returned has no pk until then (nor after, if it was the same)."""
    batch = _current_batch.get()
    if batch is not None and now is None:
        prepared = batch.prepared.pop(group.pk, None)
        if prepared is not None:
            snapshot = _new_snapshot(group, batch.now, *prepared)
            batch.pending.append(snapshot)
            return snapshot
    with _consistent_reads():
        if now is None:
            analysis = current_analysis(group, store=False)
        else:
            analysis = analyze(group, as_of=now)
        document = _snapshot_document(analysis)
    return _store(_new_snapshot(group, now or timezone.now(), document, _fingerprint(document)))


def _snapshot_document(analysis: GroupAnalysis) -> dict:
    document = analysis.document()
    document["forecast"] = snapshot_summary(analysis)  # for the digest's forecast line
    return document


def _new_snapshot(group: BuyingGroup, now: datetime, document: dict, fingerprint: str):
    return Snapshot(
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


def _same(latest: Snapshot | None, snapshot: Snapshot) -> bool:
    """Whether `latest` already says what `snapshot` says, the same day."""
    return (
        latest is not None
        and latest.fingerprint == snapshot.fingerprint
        and latest.taken_at.date() == snapshot.taken_at.date()
    )


def _store(snapshot: Snapshot) -> Snapshot | None:
    """Insert `snapshot` unless the group's latest says the same (see `snapshot_take`)."""
    group = snapshot.group
    with transaction.atomic():
        BuyingGroup.objects.select_for_update().filter(pk=group.pk).first()
        latest = Snapshot.objects.filter(group=group).order_by("-taken_at", "-pk").first()
        if _same(latest, snapshot):
            return None
        snapshot.save(force_insert=True)
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


# --- many groups at once -------------------------------------------------------------------


@dataclass
class _Batch:
    now: datetime
    prepared: dict[int, tuple[dict, str]]  # group id -> (document, fingerprint)
    pending: list[Snapshot] = field(default_factory=list)


_current_batch: ContextVar[_Batch | None] = ContextVar("snapshot_batch", default=None)


@contextmanager
def snapshot_batch(groups: Sequence[BuyingGroup]) -> Iterator[None]:
    """Score `groups` (a chunk of bulk rescoring) as of now, reading them in a few queries
    per hundred groups (`scoring.batch_analysis`) rather than several per group; the
    `snapshot_take(group=...)` calls inside then use these scores, and their snapshots are
    stored together, in one short write transaction, when the block ends.

    Reads are consistent per hundred groups (`_consistent_reads`), the analyses are
    computed outside any transaction, and the rules of `snapshot_take` hold: a group whose
    latest snapshot of the day says the same gets none (checked again under the groups'
    locks at the end, so a run in parallel for the same group stores one), a deleted
    group gets none. A group that could not be read or scored in the batch is scored
    alone by `snapshot_take` (which raises for it if it is really broken)."""
    now = timezone.now()  # the moment scored, and the snapshots' taken_at
    batch = _Batch(now=now, prepared=_prepare(groups, now))
    token = _current_batch.set(batch)
    try:
        yield
    finally:
        _current_batch.reset(token)
    _store_batch(batch.pending)


def _prepare(groups: Sequence[BuyingGroup], now: datetime) -> dict[int, tuple[dict, str]]:
    prepared = {}
    for part in batches(groups):
        try:
            with _consistent_reads():
                rows = read_batch(part, as_of=now)
        except Exception:  # scored one by one instead
            log.warning("could not read a batch of groups", exc_info=True)
            continue
        for group in part:
            try:
                document = _snapshot_document(analyze_from(rows, group, as_of=now))
            except Exception:  # scored (and reported) alone by snapshot_take
                log.info("a group is scored alone", extra={"group_id": group.pk})
            else:
                prepared[group.pk] = (document, _fingerprint(document))
    return prepared


def _store_batch(pending: list[Snapshot]) -> None:
    """Insert the snapshots of a batch in one transaction (see `snapshot_batch`)."""
    if not pending:
        return
    by_group = {snapshot.group_id: snapshot for snapshot in pending}
    newest = Snapshot.objects.filter(group_id=OuterRef("pk")).order_by("-taken_at", "-pk")
    try:
        with transaction.atomic():
            locked = dict(
                BuyingGroup.objects.select_for_update()
                .filter(pk__in=by_group)
                .order_by("pk")
                .annotate(latest=Subquery(newest.values("pk")[:1]))
                .values_list("pk", "latest")
            )
            found = Snapshot.objects.filter(pk__in=[pk for pk in locked.values() if pk])
            previous = {s.group_id: s for s in found.defer("document")}
            new = [
                snapshot
                for group_id, snapshot in by_group.items()
                if group_id in locked and not _same(previous.get(group_id), snapshot)
            ]
            Snapshot.objects.bulk_create(new)
    except Exception:  # one group's row must not lose the others': store them one by one
        log.warning("could not store a batch of snapshots", exc_info=True)
        for snapshot in by_group.values():
            snapshot.pk = None
            try:
                _store(snapshot)
            except Exception:
                log.exception("rescoring failed", extra={"group_id": snapshot.group_id})
        return
    for snapshot in new:
        snapshot_stored.send(
            sender=Snapshot,
            group_id=snapshot.group_id,
            snapshot=snapshot,
            previous=previous.get(snapshot.group_id),
        )
