"""The analysis adapter: load a group in a constant number of queries, run the pure core
(`scoring.core`), and shape the result for pages, commands and snapshots.

Queries: stakeholders, relationships, planner settings, touches (with their assets'
themes), theme names: five, whatever the size of the group.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache

from django.db import router
from django.utils import timezone

from accounts.prepared_queries import UNUSED_ID, Prepared
from content.models import Theme
from content.theme_labels import theme_label
from planner.buying_roles import DEFAULT_REQUIRED_ROLES
from planner.models import BuyingGroup, PlannerSettings
from scoring import model_rows
from scoring.collector import collector_paused
from scoring.core import forecast
from scoring.core.changes import what_changed
from scoring.core.divergence import (
    Divergence,
    Member,
    common_ground,
    divergence,
    pairwise_divergences,
)
from scoring.core.exposure import table_exposure_and_mass
from scoring.core.readiness import GroupState, Readiness, readiness
from scoring.group_map import GroupMap, group_map
from scoring.touch_history import (
    RECENT_DAYS,
    TouchHistory,
    read_touches,
    touch_columns,
    touch_history,
)

__all__ = [  # what the rooms above import from here, though it lives next door
    "RECENT_DAYS",
    "GroupAnalysis",
    "TouchHistory",
    "analyze",
    "end_of_day",
    "forecast_model",
    "touch_columns",
    "touch_history",
]


def end_of_day(day: date) -> datetime:
    """`--as-of 2026-11-01` means the group as it was at the end of that day (UTC)."""
    return datetime.combine(day, time.max, tzinfo=UTC)


@dataclass(frozen=True)
class GroupAnalysis:
    map: GroupMap
    as_of: datetime
    exposures: dict[str, dict[str, float]]
    divergence: Divergence
    priority_divergence: Divergence
    friction: dict[tuple[str, str], float]
    common_ground: tuple[tuple[str, float], ...]
    tailoring: float
    readiness: Readiness
    theme_names: dict[str, str]
    touch_count: int
    history: TouchHistory
    settings: PlannerSettings
    state: GroupState
    # Where this analysis is cached (`scoring.cached`), and what is derived from it may be;
    # None when it was computed for a given moment or without a cache. `stored_now`: it was
    # computed and stored by this request, so nothing derived from it is cached yet.
    # `organization_key`: where what is read of its organization alone may be cached.
    cache_key: str | None = field(default=None, compare=False)
    stored_now: bool = field(default=False, compare=False)
    organization_key: str | None = field(default=None, compare=False)

    @property
    def group(self) -> BuyingGroup:
        return self.map.group

    def theme_name(self, slug: str) -> str:
        return theme_label(slug, self.theme_names)

    def document(self) -> dict:
        """The `analyze_group --format json` document of INTERFACES.md."""
        stakeholders = self.map.stakeholders
        contributions = dict(self.divergence.member_contributions)
        centrality = self.map.insights.centrality
        members = [
            {
                "email": s.email,
                "name": s.name,
                "role": s.role_label,
                "exposure": {k: _num(v) for k, v in self.exposures.get(s.email, {}).items()},
                "divergence_contribution": _num(contributions.get(s.email, 0.0)),
                "centrality": _num(centrality.get(s.email, 0.0)),
            }
            for s in stakeholders
        ]
        members.sort(key=lambda m: (-m["divergence_contribution"], -m["centrality"], m["email"]))
        friction = [
            {"a": a, "b": b, "score": _num(score)} for (a, b), score in self.friction.items()
        ]
        friction.sort(key=lambda f: (-f["score"], f["a"], f["b"]))
        return {
            "group": {"id": self.group.pk, "name": self.group.name, "members": len(stakeholders)},
            "as_of": self.as_of.date().isoformat(),
            "divergence": _num(self.divergence.score),
            "priority_divergence": _num(self.priority_divergence.score),
            "tailoring_index": _num(self.tailoring),
            "readiness": self._readiness_document(),
            "members": members,
            "unaligned": list(self.divergence.unaligned),
            "friction": friction,
            "factions": [list(f) for f in self.map.insights.factions],
            "brokers": list(self.map.insights.brokers),
            "common_ground": [
                {"theme": slug, "coverage": _num(value)} for slug, value in self.common_ground
            ],
            "themes": [
                {"theme": slug, "contribution": _num(value)}
                for slug, value in self.divergence.theme_contributions
                if value > 0
            ],
            "missing_roles": list(self.map.missing_labels),
            "baseline_purchase_likelihood": self.map.baseline,
        }

    def _readiness_document(self) -> dict:
        return {
            "score": self.readiness.score,
            "factors": [
                {"name": f.name, "effect": f.effect, "why": f.why} for f in self.readiness.factors
            ],
        }

    def changes_since(self, before: Mapping | None, *, since: str = "last week") -> tuple[str, ...]:
        """`what_changed(before, self.document())` (`before`: an earlier document), from
        the parts of the document it reads: the members' rows and the friction, most of
        the document's cost, are not made (of a member, it reads only whether their
        exposure is empty)."""
        if not before:
            return what_changed(before, {}, since=since)
        document = {
            "group": {"members": len(self.map.stakeholders)},
            "divergence": _num(self.divergence.score),
            "readiness": self._readiness_document(),
            "members": [
                {"exposure": self.exposures.get(s.email, {})} for s in self.map.stakeholders
            ],
            "missing_roles": list(self.map.missing_labels),
        }
        return what_changed(before, document, since=since)


def _num(value: float) -> float:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else 0.0


def analyze(
    group: BuyingGroup,
    *,
    as_of: datetime | None = None,
    settings: PlannerSettings | None = None,
    data: GroupMap | None = None,
    touches: tuple | None = None,
    theme_names: dict[str, str] | None = None,
) -> GroupAnalysis:
    """The group's analysis as of `as_of`. What is given (read for many groups at once by
    `scoring.batch_analysis`; `touches`: what `_touch_rows` returns) is not read again."""
    with collector_paused():
        return _analyze(
            group,
            as_of=as_of,
            settings=settings,
            data=data,
            touches=touches,
            theme_names=theme_names,
        )


def _analyze(
    group: BuyingGroup,
    *,
    as_of: datetime | None,
    settings: PlannerSettings | None,
    data: GroupMap | None,
    touches: tuple | None,
    theme_names: dict[str, str] | None,
) -> GroupAnalysis:
    as_of = as_of or timezone.now()
    settings = settings or _planner_settings(group)
    data = data or group_map(group, settings=settings)
    emails = {s.pk: s.email for s in data.stakeholders}
    read = read_touches(group, as_of=as_of, emails=emails, rows=touches)
    half_life = float(settings.half_life_days)
    exposures, mass = table_exposure_and_mass(read.table, half_life_days=half_life)
    history = dataclasses.replace(read.history, mass=mass)
    members = [
        Member(
            key=s.email,
            influence=float(s.influence),
            exposure=exposures.get(s.email, {}),
            priorities={k: float(v) for k, v in (s.priorities or {}).items()},
        )
        for s in data.stakeholders
    ]
    exposure_divergence = divergence(members)
    friction = pairwise_divergences(
        exposures,
        (tuple(sorted((emails[r.source_id], emails[r.target_id]))) for r in data.relationships),
    )
    ground = common_ground(members)
    tailoring, recent = read.tailoring, read.recently_touched
    if theme_names is None:
        db = router.db_for_read(Theme)
        theme_names = dict(_THEME_NAMES.rows(db, group.organization_id))
    state = GroupState(
        people=data.people,
        names={s.email: s.name or s.email for s in data.stakeholders},
        insights=data.insights,
        coverage=data.coverage,
        missing_role_labels=data.missing_labels,
        divergence=exposure_divergence,
        exposures=exposures,
        common_ground=ground,
        theme_names=theme_names,
        tailoring=tailoring,
        recently_touched=recent,
    )
    return GroupAnalysis(
        map=data,
        as_of=as_of,
        exposures=exposures,
        divergence=exposure_divergence,
        priority_divergence=_priority_divergence(members),
        friction=friction,
        common_ground=ground,
        tailoring=tailoring,
        readiness=readiness(state),
        theme_names=theme_names,
        touch_count=len(history.events),
        history=history,
        settings=settings,
        state=state,
    )


# Groups whose priority divergence a process remembers (`_priority_divergence`).
PRIORITIES_REMEMBERED = 64


def _priority_divergence(members: list[Member]) -> Divergence:
    """`divergence(members, use="priorities")`, remembered by what it reads (each member's
    key, influence and priorities, in order): most writes (a touch, a send) leave the
    people's priorities as they were, so the next analysis finds it computed. A divergence
    is frozen: a remembered one is the one."""
    return _remembered_priority_divergence(
        tuple((m.key, m.influence, tuple(m.priorities.items())) for m in members)
    )


@lru_cache(maxsize=PRIORITIES_REMEMBERED)
def _remembered_priority_divergence(people: tuple) -> Divergence:
    members = [
        Member(key=key, influence=influence, exposure={}, priorities=dict(priorities))
        for key, influence, priorities in people
    ]
    return divergence(members, use="priorities")


def _planner_settings(group: BuyingGroup) -> PlannerSettings:
    """`planner.selectors.planner_settings(group.organization)`: the organization's row,
    read by a query compiled once and made as its `.first()` makes it, or the selector's
    unsaved defaults (tests/scoring/test_model_rows.py holds the two together)."""
    db = router.db_for_read(PlannerSettings)
    found = _SETTINGS.rows(db, group.organization_id)
    if not found:
        organization = group.organization
        return PlannerSettings(
            organization=organization, required_roles=list(DEFAULT_REQUIRED_ROLES)
        )
    return model_rows.made(PlannerSettings, db, _SETTINGS_COLUMNS, found)[0]


def _organization_settings(organization_id: int):
    found = PlannerSettings.objects.filter(organization_id=organization_id).order_by("pk")
    return found.values_list(*_SETTINGS_COLUMNS)[:1]


_SETTINGS_COLUMNS = tuple(f.attname for f in PlannerSettings._meta.concrete_fields)


def _organization_themes(organization_id: int):
    return Theme.objects.filter(organization_id=organization_id).values_list("slug", "name")


# The settings' and theme names' queries, compiled once per database
# (`accounts.prepared_queries.Prepared`); an id no call passes stands for the organization's.
_SETTINGS = Prepared(_organization_settings, _SETTINGS_COLUMNS, sentinels=(UNUSED_ID,))
_THEME_NAMES = Prepared(_organization_themes, ("slug", "name"), sentinels=(UNUSED_ID,))


def forecast_model(analysis: GroupAnalysis) -> forecast.Model:
    """The group of `analysis`, prepared for the consensus forecast (no query)."""
    data = analysis.map
    return forecast.Model(
        forecast.Group(
            people=data.people,
            ties=data.ties,
            exposures=analysis.exposures,
            mass=analysis.history.mass,
        )
    )
