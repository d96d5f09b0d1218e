"""Reads for the weekly digest: what goes in it (per organization) and who is due.

The content is built from snapshots only (the scores the nightly rescoring stores), in a
constant number of queries per organization, plus one `top_suggestion` call per group at
risk (at most SUGGESTION_LIMIT). It is the same for every member of the organization, so
senders build it once per organization and reuse it.

Each section is made by one builder in SECTION_BUILDERS and rendered by the templates
`email/digest_section_<template>.txt|html`. A later section (kits built, kit links
viewed) is one more builder and one more pair of templates; nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from digests.models import DigestOutbox
from digests.schedule import Week, due_state, zone
from kits.models import ConsensusKit, KitView
from planner.models import BuyingGroup
from scoring.models import Snapshot
from scoring.selectors import risk_score, top_warning
from suggestions.forecasting import RISE as FORECAST_RISE
from suggestions.suggesting import top_suggestion

log = logging.getLogger(__name__)

WEEK = timedelta(days=7)
WINDOW = timedelta(days=21)  # snapshots older than this are not "this week's" news
DRIFT_MIN = 0.02  # divergence (0..1) rising by at least this much is worth a line
FAST_DRIFT = 0.05  # ... and by this much puts the group at risk
READINESS_MIN = 3  # readiness points (0..100) that count as a move
AT_RISK_READINESS = 40  # below this a group is at risk (the dashboard's "low")
SECTION_LIMIT = 5  # lines per section; the rest is counted ("and 3 more")
SUGGESTION_LIMIT = 5


# ------------------------------------------------------------------------- content


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


@dataclass(frozen=True)
class Drift:
    group_name: str
    url: str
    divergence: float
    change: float
    since: date
    why: str


@dataclass(frozen=True)
class ForecastDrift:
    group_name: str
    url: str
    divergence: float  # today
    forecast: float  # in `weeks` weeks if nothing is sent
    weeks: int


@dataclass(frozen=True)
class ReadinessMove:
    group_name: str
    url: str
    before: int
    after: int
    change: int
    since: date
    why: str


@dataclass(frozen=True)
class Suggestion:
    group_name: str
    url: str
    readiness: int
    title: str
    asset: str
    reasons: tuple[str, ...]
    send_first_name: str | None


@dataclass(frozen=True)
class RolesGap:
    group_name: str
    url: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    items: tuple
    more: int = 0  # further items left out of the email
    template: str = ""  # email/digest_section_<template>.*; the key when empty

    @property
    def text_template(self) -> str:
        return f"email/digest_section_{self.template or self.key}.txt"

    @property
    def html_template(self) -> str:
        return f"email/digest_section_{self.template or self.key}.html"


@dataclass(frozen=True)
class DigestContent:
    organization: Organization
    as_of: datetime
    groups: int  # active groups with recent scores
    sections: tuple[Section, ...] = field(default=())

    @property
    def quiet(self) -> bool:
        """Nothing worth an email: no section has a line."""
        return not any(section.items for section in self.sections)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def headline(self) -> str:
        """A few words for the subject line."""
        counts = {s.key: len(s.items) + s.more for s in self.sections}
        drifting, fell, rose = (
            counts.get("drifting", 0),
            counts.get("readiness_fell", 0),
            counts.get("readiness_rose", 0),
        )
        parts = []
        if drifting:
            parts.append(f"{_groups(drifting)} drifting apart")
        if fell:
            parts.append(f"readiness fell in {_groups(fell)}")
        if rose:
            parts.append(f"{'rose' if fell else 'readiness rose'} in {_groups(rose)}")
        if not parts and counts.get("forecast_drift"):
            parts.append(f"{_groups(counts['forecast_drift'])} forecast to drift apart")
        if not parts and counts.get("missing_roles"):
            parts.append(f"{_groups(counts['missing_roles'])} missing roles")
        if not parts and counts.get("suggestions"):
            parts.append(f"what to send to {_groups(counts['suggestions'])} at risk")
        return ", ".join(parts) if parts else "a quiet week"


def _groups(n: int) -> str:
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


def _limited(items: list) -> tuple[tuple, int]:
    return tuple(items[:SECTION_LIMIT]), max(0, len(items) - SECTION_LIMIT)


def drifting_section(scores: list[GroupScores]) -> Section:
    drifting = [s for s in scores if (s.divergence_change or 0.0) >= DRIFT_MIN]
    drifting.sort(key=lambda s: (-(s.divergence_change or 0.0), s.group.name.lower()))
    items, more = _limited(
        [
            Drift(
                group_name=s.group.name,
                url=s.url,
                divergence=s.divergence,
                change=s.divergence_change or 0.0,
                since=s.since,
                why=s.top_warning,
            )
            for s in drifting
        ]
    )
    return Section(
        key="drifting",
        title="Drifting apart",
        intro="The members of these groups heard more different stories than a week ago.",
        items=items,
        more=more,
    )


def forecast_drift_section(scores: list[GroupScores]) -> Section:
    """Groups whose consensus forecast (kept in the latest snapshot) rises: left alone,
    their members' stories move further apart."""
    rising = []
    for s in scores:
        outlook = s.document.get("forecast") or {}
        ahead = outlook.get("divergence")
        if isinstance(ahead, int | float) and ahead >= s.divergence + FORECAST_RISE:
            rising.append((s, float(ahead), int(outlook.get("weeks") or 0)))
    rising.sort(key=lambda item: (-(item[1] - item[0].divergence), item[0].group.name.lower()))
    items, more = _limited(
        [
            ForecastDrift(
                group_name=s.group.name,
                url=s.url,
                divergence=s.divergence,
                forecast=ahead,
                weeks=weeks,
            )
            for s, ahead, weeks in rising
        ]
    )
    return Section(
        key="forecast_drift",
        title="Forecast to drift apart",
        intro="Left alone, the members of these groups will hear more different stories, "
        "as the consensus forecast has it (a model, not a promise).",
        items=items,
        more=more,
    )


def _readiness_section(scores: list[GroupScores], *, fell: bool) -> Section:
    moved = [
        s
        for s in scores
        if s.readiness_change is not None
        and (s.readiness_change <= -READINESS_MIN if fell else s.readiness_change >= READINESS_MIN)
    ]
    sign = 1 if fell else -1  # the biggest move first
    moved.sort(key=lambda s: (sign * (s.readiness_change or 0), s.group.name.lower()))
    items, more = _limited(
        [
            ReadinessMove(
                group_name=s.group.name,
                url=s.url,
                before=s.week_ago[2],
                after=s.readiness,
                change=s.readiness_change or 0,
                since=s.since,
                why=s.top_warning,
            )
            for s in moved
        ]
    )
    if fell:
        return Section(
            key="readiness_fell",
            title="Readiness fell",
            intro="Consensus readiness (0 to 100) dropped over the week.",
            items=items,
            more=more,
            template="readiness",
        )
    return Section(
        key="readiness_rose",
        title="Readiness rose",
        intro="Consensus readiness (0 to 100) went up over the week.",
        items=items,
        more=more,
        template="readiness",
    )


def readiness_fell_section(scores: list[GroupScores]) -> Section:
    return _readiness_section(scores, fell=True)


def readiness_rose_section(scores: list[GroupScores]) -> Section:
    return _readiness_section(scores, fell=False)


def suggestions_section(scores: list[GroupScores]) -> Section:
    at_risk = sorted(
        (s for s in scores if s.at_risk), key=lambda s: (-s.risk, s.group.name.lower())
    )[:SUGGESTION_LIMIT]
    items = []
    for s in at_risk:
        try:
            found = top_suggestion(s.group)
        except Exception:  # a digest without one suggestion beats no digest at all
            log.exception("top_suggestion failed", extra={"group_id": s.group.pk})
            continue
        if found is None:
            continue
        items.append(
            Suggestion(
                group_name=s.group.name,
                url=s.url,
                readiness=s.readiness,
                title=str(found.title),
                asset=str(found.asset),
                reasons=tuple(str(r) for r in (found.reasons or ())),
                send_first_name=found.send_first_name or None,
            )
        )
    return Section(
        key="suggestions",
        title="What to send next",
        intro="For each group at risk, the shared-problem content that brings it together best.",
        items=tuple(items),
    )


def missing_roles_section(scores: list[GroupScores]) -> Section:
    gaps = [s for s in scores if s.missing_roles]
    gaps.sort(key=lambda s: (-len(s.missing_roles), s.group.name.lower()))
    items, more = _limited(
        [RolesGap(group_name=s.group.name, url=s.url, roles=s.missing_roles) for s in gaps]
    )
    return Section(
        key="missing_roles",
        title="Missing roles",
        intro="Nobody in these groups holds a role your team requires.",
        items=items,
        more=more,
    )


@dataclass(frozen=True)
class KitActivity:
    group_name: str
    url: str
    built: tuple[int, ...]  # versions built this week
    views: int  # views of shared kit links this week


def kits_section(scores: list[GroupScores], *, now: datetime) -> Section:
    """Kits built and shared-kit views in the last seven days (two queries)."""
    since = now - timedelta(days=7)
    by_id = {s.group.pk: s for s in scores}
    built: dict[int, list[int]] = {}
    for group_id, version in ConsensusKit.objects.filter(
        group_id__in=by_id, status=ConsensusKit.Status.READY, built_at__gte=since, built_at__lte=now
    ).values_list("group_id", "version"):
        built.setdefault(group_id, []).append(version)
    views = dict(
        KitView.objects.filter(share__kit__group_id__in=by_id, at__gte=since, at__lte=now)
        .values_list("share__kit__group_id")
        .annotate(n=Count("id"))
        .values_list("share__kit__group_id", "n")
    )
    rows = [
        KitActivity(
            group_name=by_id[pk].group.name,
            url=by_id[pk].url,
            built=tuple(sorted(built.get(pk, ()))),
            views=views.get(pk, 0),
        )
        for pk in set(built) | set(views)
    ]
    rows.sort(key=lambda r: (-r.views, -len(r.built), r.group_name.lower()))
    items, more = _limited(rows)
    return Section(
        key="kits",
        title="Consensus kits",
        intro="Kits built this week, and how often the buying groups opened the ones you shared.",
        items=items,
        more=more,
    )


SECTION_BUILDERS: tuple[Callable[[list[GroupScores]], Section], ...] = (
    drifting_section,
    forecast_drift_section,
    readiness_fell_section,
    readiness_rose_section,
    suggestions_section,
    missing_roles_section,
)


def digest_content(organization: Organization, *, now: datetime | None = None) -> DigestContent:
    now = now or timezone.now()
    scores = group_scores(organization, now=now)
    return DigestContent(
        organization=organization,
        as_of=now,
        groups=len(scores),
        sections=(
            *(build(scores) for build in SECTION_BUILDERS),
            kits_section(scores, now=now),
        ),
    )


# --------------------------------------------------------------------------- who is due


@dataclass(frozen=True)
class DueDigest:
    user_id: int
    organization_id: int
    email: str
    organization_name: str
    time_zone: str
    week: Week
    scheduled_at: datetime  # UTC

    @property
    def pair(self) -> list[int]:
        return [self.user_id, self.organization_id]


def digests_due(now: datetime, *, clock: datetime | None = None) -> list[DueDigest]:
    """Every (user, organization) whose digest of the current week (on the user's calendar)
    is due at `now` and not sent, skipped, being sent or given up on. Two queries.

    `clock` is the real time, against which claims are judged stale (default: now).
    """
    clock = clock or timezone.now()
    rows = (
        Membership.objects.filter(user__is_active=True, user__digest_enabled=True)
        .order_by("organization_id", "user_id")
        .values_list(
            "user_id",
            "organization_id",
            "user__email",
            "organization__name",
            "user__time_zone",
            "user__digest_weekday",
            "user__digest_hour",
        )
    )
    states: dict[tuple[str, int, int], object] = {}
    candidates = []
    for user_id, org_id, email, org_name, tz_name, weekday, hour in rows:
        key = (tz_name, weekday, hour)
        state = states.get(key)
        if state is None:
            state = states[key] = due_state(now, zone(tz_name), weekday=weekday, hour=hour)
        if state.due:
            candidates.append(
                DueDigest(user_id, org_id, email, org_name, tz_name, state.week, state.scheduled_at)
            )
    if not candidates:
        return []
    done = set(_settled(candidates, clock=clock))
    return [
        c
        for c in candidates
        if (c.user_id, c.organization_id, c.week.year, c.week.week) not in done
    ]


def _settled(candidates: Iterable[DueDigest], *, clock: datetime):
    weeks = {c.week for c in candidates}
    query = Q()
    for week in weeks:
        query |= Q(iso_year=week.year, iso_week=week.week)
    return (
        DigestOutbox.objects.filter(query)
        .settled(clock=clock)
        .values_list("user_id", "organization_id", "iso_year", "iso_week")
    )
