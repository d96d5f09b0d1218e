"""Each group's scores this week and a week ago, read from snapshots in a constant number of
queries: what every section of the digest is built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.models import Organization
from planner.models import BuyingGroup
from scoring.models import Snapshot
from scoring.selectors import risk_score, top_warning

WEEK = timedelta(days=7)


WINDOW = timedelta(days=21)  # snapshots older than this are not "this week's" news


DRIFT_MIN = 0.02  # divergence (0..1) rising by at least this much is worth a line


FAST_DRIFT = 0.05  # ... and by this much puts the group at risk


READINESS_MIN = 3  # readiness points (0..100) that count as a move


AT_RISK_READINESS = 40  # below this a group is at risk (the dashboard's "low")


@dataclass(frozen=True)
class GroupScores:
    """One group's latest scores and the ones about a week before."""

    group: BuyingGroup
    url: str
    taken_at: datetime
    divergence: float
    readiness: int
    document: dict
    week_ago: tuple[datetime, float, int] | None  # (taken_at, divergence, readiness)

    @property
    def divergence_change(self) -> float | None:
        return None if self.week_ago is None else self.divergence - self.week_ago[1]

    @property
    def readiness_change(self) -> int | None:
        return None if self.week_ago is None else self.readiness - self.week_ago[2]

    @property
    def since(self) -> date | None:
        return None if self.week_ago is None else self.week_ago[0].date()

    @property
    def top_warning(self) -> str:
        """The `why` of the readiness factor that pulls the score down most."""
        return top_warning(self.document) or "No single warning sign stands out."

    @property
    def missing_roles(self) -> tuple[str, ...]:
        return tuple(self.document.get("missing_roles") or ())

    @property
    def at_risk(self) -> bool:
        return self.readiness < AT_RISK_READINESS or (self.divergence_change or 0.0) >= FAST_DRIFT

    @property
    def risk(self) -> float:
        """As on the dashboard: low readiness, rising divergence."""
        return risk_score(self.readiness, self.divergence_change)


def groups_phrase(n: int) -> str:
    return f"{n} group" if n == 1 else f"{n} groups"


def group_url(organization_id: int, group_id: int) -> str:
    """An absolute link that opens the group in the digest's organization (it switches the
    active organization first, for people in several)."""
    return settings.SITE_URL + reverse("digest_open_group", args=[organization_id, group_id])


def group_scores(organization: Organization, *, now: datetime) -> list[GroupScores]:
    """The organization's active groups with a snapshot in the last three weeks: the latest
    scores at `now` and the latest at least a week before. Three queries."""
    groups = {
        g.pk: g for g in BuyingGroup.objects.filter(organization=organization, archived=False)
    }
    history: dict[int, list[tuple[int, datetime, float, int]]] = {}
    rows = (
        Snapshot.objects.filter(
            group__organization=organization,
            group__archived=False,
            taken_at__lte=now,
            taken_at__gt=now - WINDOW,
        )
        .order_by("group_id", "taken_at", "pk")
        .values_list("pk", "group_id", "taken_at", "divergence", "readiness")
    )
    for pk, group_id, taken_at, divergence, readiness in rows:
        history.setdefault(group_id, []).append((pk, taken_at, divergence, readiness))
    latest_ids = [points[-1][0] for points in history.values()]
    documents = dict(Snapshot.objects.filter(pk__in=latest_ids).values_list("pk", "document"))
    scores = []
    for group_id, points in history.items():
        group = groups.get(group_id)
        if group is None:
            continue
        pk, taken_at, divergence, readiness = points[-1]
        earlier = [p for p in points if p[1] <= now - WEEK]
        week_ago = (earlier[-1][1], earlier[-1][2], earlier[-1][3]) if earlier else None
        scores.append(
            GroupScores(
                group=group,
                url=group_url(organization.pk, group_id),
                taken_at=taken_at,
                divergence=divergence,
                readiness=readiness,
                document=documents.get(pk) or {},
                week_ago=week_ago,
            )
        )
    scores.sort(key=lambda s: s.group.name.lower())
    return scores
