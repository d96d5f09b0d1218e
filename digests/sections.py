"""The sections of a digest, each built from the groups' scores: drifting apart, forecast
drift, readiness moves, suggestions, missing roles, kit activity.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count

from digests.scores import (
    DRIFT_MIN,
    READINESS_MIN,
    GroupScores,
)
from kits.models import ConsensusKit, KitView
from suggestions.forecasting import RISE as FORECAST_RISE
from suggestions.suggesting import top_suggestion

log = logging.getLogger(__name__)


SECTION_LIMIT = 5  # lines per section; the rest is counted ("and 3 more")


SUGGESTION_LIMIT = 5


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
    send_first_why: str = ""  # a clause: "they link the sides of the group"


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
                send_first_why=str(found.send_first_why or ""),
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
