"""Careful reads: group lists and the analysis adapter for one group.

`group_map` loads a group in a constant number of queries (stakeholders, relationships,
role template), builds the analysis core's plain dataclasses, and calls it.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accounts.models import Organization
from planner.buying_roles import DEFAULT_REQUIRED_ROLES, ROLE_LABELS
from planner.models import BuyingGroup, PlannerSettings, Relationship, Stakeholder
from scoring.core.baseline import baseline_note, baseline_purchase_likelihood
from scoring.core.graph import (
    GraphInsights,
    Person,
    RoleCoverage,
    Tie,
    analyze_graph,
    missing_roles,
)
from scoring.core.narrative import Sentence, describe

GROUP_SORTS = {
    "name": ("Name", ["name"]),
    "-updated": ("Recently changed", ["-updated_at", "name"]),
    "close": ("Expected close", ["expected_close", "name"]),
    "-members": ("Largest first", ["-member_count", "name"]),
}


def group_list(
    organization: Organization, *, query: str = "", sort: str = "-updated", archived: bool = False
) -> QuerySet[BuyingGroup]:
    groups = (
        BuyingGroup.objects.filter(organization=organization, archived=archived)
        .select_related("owner")
        .annotate(member_count=Count("stakeholders", distinct=True))
    )
    if query.strip():
        q = query.strip()
        groups = groups.filter(Q(name__icontains=q) | Q(account__icontains=q))
    return groups.order_by(*GROUP_SORTS.get(sort, GROUP_SORTS["-updated"])[1])


def planner_settings(organization: Organization) -> PlannerSettings:
    """The organization's settings, or unsaved defaults (no row is written on read)."""
    found = PlannerSettings.objects.filter(organization=organization).first()
    return found or PlannerSettings(
        organization=organization, required_roles=list(DEFAULT_REQUIRED_ROLES)
    )


def required_roles(organization: Organization) -> list[str]:
    return list(planner_settings(organization).required_roles)


@dataclass(frozen=True)
class GroupMap:
    group: BuyingGroup
    stakeholders: tuple[Stakeholder, ...]
    relationships: tuple[Relationship, ...]
    insights: GraphInsights
    coverage: RoleCoverage
    missing_labels: tuple[str, ...]
    required_labels: tuple[str, ...]
    baseline: float
    baseline_note: str
    sentences: tuple[Sentence, ...]

    @property
    def by_email(self) -> dict[str, Stakeholder]:
        return {s.email: s for s in self.stakeholders}

    @property
    def brokers(self) -> list[Stakeholder]:
        people = self.by_email
        return [people[key] for key in self.insights.brokers if key in people]


def people_and_ties(
    stakeholders: list[Stakeholder], relationships: list[Relationship]
) -> tuple[list[Person], list[Tie]]:
    emails = {s.pk: s.email for s in stakeholders}
    people = [
        Person(key=s.email, influence=s.influence, role=s.role_label, stance=s.stance)
        for s in stakeholders
    ]
    ties = [
        Tie(
            source=emails[r.source_id], target=emails[r.target_id], kind=r.kind, strength=r.strength
        )
        for r in relationships
        if r.source_id in emails and r.target_id in emails
    ]
    return people, ties


def group_map(group: BuyingGroup, *, settings: PlannerSettings | None = None) -> GroupMap:
    stakeholders = list(Stakeholder.objects.filter(group=group).order_by("name", "email"))
    by_pk = {s.pk: s for s in stakeholders}
    relationships = list(Relationship.objects.filter(group=group).order_by("pk"))
    for relationship in relationships:  # attach without another query
        relationship.source = by_pk[relationship.source_id]
        relationship.target = by_pk[relationship.target_id]
    people, ties = people_and_ties(stakeholders, relationships)
    insights = analyze_graph(people, ties)
    required = list((settings or planner_settings(group.organization)).required_roles)
    coverage = missing_roles({s.buying_role for s in stakeholders}, required)
    missing_labels = tuple(ROLE_LABELS.get(role, role) for role in coverage.missing)
    names = {s.email: s.name or s.email for s in stakeholders}
    relationships.sort(
        key=lambda r: (names[r.source.email].lower(), r.kind, names[r.target.email].lower())
    )
    return GroupMap(
        group=group,
        stakeholders=tuple(stakeholders),
        relationships=tuple(relationships),
        insights=insights,
        coverage=coverage,
        missing_labels=missing_labels,
        required_labels=tuple(ROLE_LABELS.get(role, role) for role in required),
        baseline=baseline_purchase_likelihood(len(stakeholders)),
        baseline_note=baseline_note(len(stakeholders)),
        sentences=describe(
            insights, coverage, names=names, size=len(stakeholders), missing_labels=missing_labels
        ),
    )


def recent_snapshots(group: BuyingGroup, *, weeks: int = 12):
    """The group's snapshots of the last weeks, oldest first, without their documents
    (reading `.document` of one of them loads just that one)."""
    from django.utils import timezone

    from scoring.models import Snapshot

    since = timezone.now() - timezone.timedelta(weeks=weeks)
    return list(
        Snapshot.objects.filter(group=group, taken_at__gte=since)
        .order_by("taken_at")
        .only("taken_at", "divergence", "readiness")
    )


def snapshot_before(snapshots, moment):
    """The latest of `snapshots` taken at or before `moment` (they are sorted by time)."""
    found = None
    for snapshot in snapshots:
        if snapshot.taken_at <= moment:
            found = snapshot
    return found


def planned_sends(group: BuyingGroup, *, limit: int = 10):
    from suggestions.models import PlannedSend

    return list(
        PlannedSend.objects.filter(group=group)
        .select_related("asset", "send_first")
        .prefetch_related("recipients")
        .order_by("status", "-created_at")[:limit]
    )


def recent_touches(group: BuyingGroup, *, limit: int = 15):
    from planner.models import Touch

    return list(
        Touch.objects.filter(group=group)
        .select_related("stakeholder", "asset")
        .order_by("-occurred_at", "-pk")[:limit]
    )


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
    from django.utils import timezone

    from scoring.models import Snapshot

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


def group_kits(group: BuyingGroup, *, limit: int = 10):
    """The group's kit versions with their share-link activity, in one query."""
    from django.db.models import Count, Min, Sum

    from kits.models import ConsensusKit

    return list(
        ConsensusKit.objects.filter(group=group)
        .select_related("created_by")
        .annotate(
            link_count=Count("shares", distinct=True),
            view_count=Sum("shares__views", default=0),
            first_view=Min("shares__first_viewed_at"),
        )
        .order_by("-version")[:limit]
    )
