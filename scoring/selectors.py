"""Careful reads of snapshots: a group's recent scores, and the organization's groups
ordered by risk for the dashboard."""

from dataclasses import dataclass
from datetime import datetime

from django.db import router
from django.utils import timezone

from accounts.models import Organization
from accounts.prepared_queries import UNUSED_ID, UNUSED_MOMENT, Prepared, as_given, moment_of
from planner.models import BuyingGroup
from planner.selectors import group_list
from scoring import model_rows
from scoring.models import Snapshot


def recent_snapshots(group: BuyingGroup, *, weeks: int = 12):
    """The group's snapshots of the last weeks, oldest first, without their documents
    (reading `.document` of one of them loads just that one): as listing their queryset
    (`.only` the columns shown) makes them, from a query compiled once
    (`accounts.prepared_queries.Prepared`), every view of the group page."""
    since = timezone.now() - timezone.timedelta(weeks=weeks)
    db = router.db_for_read(Snapshot)
    return model_rows.made(Snapshot, db, SNAPSHOT_COLUMNS, _RECENT.rows(db, group.pk, since))


SNAPSHOT_COLUMNS = ("id", "taken_at", "divergence", "readiness")  # what a list shows


def _recent(group_id: int, since: datetime):
    found = Snapshot.objects.filter(group_id=group_id, taken_at__gte=since).order_by("taken_at")
    return found.values_list(*SNAPSHOT_COLUMNS)


# A group id and a moment no call passes stand for the parameters.
_RECENT = Prepared(
    _recent,
    SNAPSHOT_COLUMNS,
    sentinels=(UNUSED_ID, UNUSED_MOMENT),
    adapt=(as_given, moment_of(Snapshot._meta.get_field("taken_at"))),
)


def snapshot_before(snapshots, moment):
    """The latest of `snapshots` taken at or before `moment` (they are sorted by time)."""
    found = None
    for snapshot in snapshots:
        if snapshot.taken_at <= moment:
            found = snapshot
    return found


def risk_score(readiness: int, divergence_change: float | None) -> float:
    """How much a group needs attention: low readiness, and divergence that rose."""
    return (100 - readiness) + 100 * max(0.0, divergence_change or 0.0)


def top_warning(document: dict) -> str | None:
    """The `why` of the readiness factor that pulls a snapshot's score down most."""
    factors = (document.get("readiness") or {}).get("factors") or []
    negative = [f for f in factors if (f.get("effect") or 0) < 0 and f.get("why")]
    return min(negative, key=lambda f: f["effect"])["why"] if negative else None


@dataclass(frozen=True)
class RiskRow:
    group: BuyingGroup
    readiness: int | None
    divergence: float | None
    divergence_change: float | None  # since about a week ago; positive = drifting apart
    readiness_series: tuple[int, ...]
    top_reason: str
    risk: float


def groups_by_risk(organization: Organization, *, weeks: int = 8) -> list[RiskRow]:
    """The organization's active groups, most at risk first: low readiness, rising
    divergence. Three queries whatever the number of groups (only the latest snapshot of
    each group is read whole)."""
    groups = list(group_list(organization, sort="name").filter(archived=False))
    now = timezone.now()
    since = now - timezone.timedelta(weeks=weeks)
    by_group: dict[int, list] = {g.pk: [] for g in groups}
    snapshots = (
        Snapshot.objects.filter(group__in=[g.pk for g in groups], taken_at__gte=since)
        .order_by("taken_at", "pk")
        .values_list("pk", "group_id", "taken_at", "readiness", "divergence")
    )
    for pk, group_id, taken_at, readiness_score, divergence_score in snapshots:
        by_group[group_id].append((taken_at, readiness_score, divergence_score, pk))
    latest = [history[-1][3] for history in by_group.values() if history]
    documents = dict(Snapshot.objects.filter(pk__in=latest).values_list("pk", "document"))
    rows = []
    for group in groups:
        history = by_group[group.pk]
        if not history:
            rows.append(RiskRow(group, None, None, None, (), "Not scored yet.", -1.0))
            continue
        _at, readiness_now, divergence_now, pk = history[-1]
        week_ago = [h for h in history if h[0] <= now - timezone.timedelta(days=7)]
        change = divergence_now - week_ago[-1][2] if week_ago else None
        reason = top_warning(documents.get(pk) or {}) or "No warning signs."
        rows.append(
            RiskRow(
                group=group,
                readiness=readiness_now,
                divergence=divergence_now,
                divergence_change=change,
                readiness_series=tuple(h[1] for h in history),
                top_reason=reason,
                risk=risk_score(readiness_now, change),
            )
        )
    rows.sort(key=lambda r: (-r.risk, r.group.name.lower()))
    return rows
