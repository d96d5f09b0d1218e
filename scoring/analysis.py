"""The analysis adapter: load a group in a constant number of queries, run the pure core
(`scoring.core`), and shape the result for pages, commands and snapshots.

Queries: stakeholders, relationships, planner settings, touches (with their assets'
themes), theme names: five, whatever the size of the group.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings as django_settings
from django.db import connection
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from content.models import Theme
from content.theme_labels import theme_label
from planner.models import BuyingGroup, PlannerSettings, Touch
from planner.selectors import planner_settings
from scoring.collector import collector_paused
from scoring.core import forecast
from scoring.core.divergence import (
    Divergence,
    Member,
    common_ground,
    divergence,
    pairwise_divergences,
)
from scoring.core.exposure import (
    TouchEvent,
    exposure_and_mass,
    read_only_weights,
    recent_activity,
)
from scoring.core.readiness import GroupState, Readiness, readiness
from scoring.group_map import GroupMap, group_map

RECENT_DAYS = 30


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
    cache_key: str | None = field(default=None, compare=False)
    stored_now: bool = field(default=False, compare=False)

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
            "readiness": {
                "score": self.readiness.score,
                "factors": [
                    {"name": f.name, "effect": f.effect, "why": f.why}
                    for f in self.readiness.factors
                ],
            },
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


def _num(value: float) -> float:
    value = float(value)
    return round(value, 4) if math.isfinite(value) else 0.0


@dataclass(frozen=True)
class TouchHistory:
    # The touches up to as_of. Everything the rooms above need of them is computed here
    # (exposure, `mass`, ...): a cached analysis (`scoring.cached`) keeps none.
    events: Sequence[TouchEvent]
    seen: dict[str, frozenset[str]]  # person -> asset slugs they received
    recent: int  # touches in the last RECENT_DAYS
    individual_share: float  # of those: written for one person, or reached one member only
    # person -> the recency-weighted touches behind their exposure (`exposure_mass`), set
    # by `analyze` (its half-life is the organization's).
    mass: Mapping[str, float] = field(default_factory=dict)


def _read_themes(known: dict, text: str | None) -> tuple[bool, Mapping[str, float]]:
    """Theme weights as the database holds them (JSON text) to what a TouchEvent keeps,
    remembered in `known`: (whether the decoded value is truthy, its usable weights,
    read-only). A message sent to several people, or an asset's themes, repeat the same
    text, so each distinct text is decoded and checked once and its events share it."""
    value = json.loads(text)
    found = (bool(value), read_only_weights(value) if value else _EMPTY)
    known[text] = found
    return found


_EMPTY: Mapping[str, float] = read_only_weights({})


def _touch_rows(group: BuyingGroup, as_of: datetime):
    """(stakeholder id, occurred_at, themes JSON text, asset themes JSON text, message key,
    pk, asset slug, level, framing) of the group's touches up to `as_of` (newest first), and
    how to read occurred_at when it is the database's text (`touch_columns`)."""
    return touch_columns(Touch.objects.filter(group=group, occurred_at__lte=as_of))


def touch_columns(touches, *, leading: tuple[str, ...] = ()):
    """`touches` as the rows `touch_history` reads (after the `leading` columns), and the
    function that reads occurred_at from its text (None: occurred_at is a datetime).

    JSON is read as text, so repeated values are decoded once (see _read_themes). With
    USE_TZ and the database in UTC, on SQLite and PostgreSQL, the datetime is read as
    text too and parsed by the caller, once per distinct text: Django's row converter
    (SQLite) or timestamptz loader (PostgreSQL) costs more than the analysis itself."""
    read_moment = _moment_reader()
    occurred = Cast("occurred_at", TextField()) if read_moment else F("occurred_at")
    rows = touches.annotate(
        _occurred=occurred,
        _themes=Cast("themes", TextField()),
        _asset_themes=Cast("asset__themes", TextField()),
    ).values_list(
        *leading,
        "stakeholder_id",
        "_occurred",
        "_themes",
        "_asset_themes",
        "message_key",
        "pk",
        "asset__slug",
        "asset__level",
        "asset__framing",
    )
    return rows, read_moment


def _sqlite_moment(text: str) -> datetime:
    """SQLite's text of a moment (naive, in UTC) as an aware datetime in UTC: as
    `fromisoformat` then `.replace(tzinfo=UTC)`, in a tenth of the time."""
    try:
        return datetime.fromisoformat(text + "+00:00")  # tzinfo: the UTC singleton
    except ValueError:  # the text has an offset of its own
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _postgres_moment(text: str) -> datetime:
    """PostgreSQL's text of a timestamptz (`2026-11-01 09:30:00.25+00`: the ISO DateStyle
    Django's psycopg loader needs, in the session's time zone, UTC) as that loader reads
    it: aware, in UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


_TEXT_MOMENTS = {"sqlite": _sqlite_moment, "postgresql": _postgres_moment}


def _moment_reader() -> Callable[[str], datetime] | None:
    """How to read occurred_at from the database's text, or None when Django should."""
    if not (django_settings.USE_TZ and connection.timezone is UTC):
        return None
    return _TEXT_MOMENTS.get(connection.vendor)


def touch_history(
    group: BuyingGroup, *, as_of: datetime, emails: dict[int, str], rows: tuple | None = None
) -> TouchHistory:
    """`rows`: what `_touch_rows` returns, when already read (`scoring.batch_analysis`)."""
    rows, read_moment = rows if rows is not None else _touch_rows(group, as_of)
    known: dict[str | None, tuple[bool, Mapping[str, float]]] = {None: (False, _EMPTY)}
    moments: dict[str, datetime] = {}  # the database's text -> the moment (sends repeat it)
    events: list[TouchEvent] = []
    seen: dict[str, set[str]] = {}
    recipients: dict[str, set[str]] = {}
    recent_rows = []
    since = as_of - timedelta(days=RECENT_DAYS)  # as_of - occurred_at <= the window
    trusted = TouchEvent.trusted
    add_event, add_recent = events.append, recent_rows.append
    for stakeholder_id, occurred_at, themes, asset_themes, key_, pk, slug, level, framing in rows:
        key = emails.get(stakeholder_id)
        if key is None:
            continue
        if read_moment:  # as Django reads it: the moment, aware, in UTC
            moment = moments.get(occurred_at)
            if moment is None:
                moment = moments[occurred_at] = read_moment(occurred_at)
            occurred_at = moment
        message = key_ or f"touch-{pk}"
        # As `themes or asset_themes or {}` on the decoded values.
        given, weights = known.get(themes) or _read_themes(known, themes)
        if not given:
            weights = (known.get(asset_themes) or _read_themes(known, asset_themes))[1]
        if occurred_at.tzinfo is UTC:  # aware, and the weights are checked: no re-check
            add_event(trusted(key, occurred_at, weights, message))
        else:
            add_event(TouchEvent(key, occurred_at, weights, message))
        people = recipients.get(message)
        if people is None:
            recipients[message] = {key}
        else:
            people.add(key)
        if slug:
            seen.setdefault(key, set()).add(slug)
        if occurred_at >= since:
            add_recent((message, level, framing))
    individual = sum(
        1
        for message, level, framing in recent_rows
        if level == "individualized" or framing == "individual" or len(recipients[message]) == 1
    )
    return TouchHistory(
        events=events,
        seen={key: frozenset(slugs) for key, slugs in seen.items()},
        recent=len(recent_rows),
        individual_share=individual / len(recent_rows) if recent_rows else 0.0,
    )


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
    settings = settings or planner_settings(group.organization)
    data = data or group_map(group, settings=settings)
    emails = {s.pk: s.email for s in data.stakeholders}
    history = touch_history(group, as_of=as_of, emails=emails, rows=touches)
    events = history.events
    half_life = float(settings.half_life_days)
    exposures, mass = exposure_and_mass(events, as_of=as_of, half_life_days=half_life)
    history = dataclasses.replace(history, mass=mass)
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
        (tuple(sorted((tie.source.email, tie.target.email))) for tie in data.relationships),
    )
    ground = common_ground(members)
    # The events end at as_of, so the people touched in the window are the recent ones.
    tailoring, recent = recent_activity(events, as_of=as_of, window_days=RECENT_DAYS)
    if theme_names is None:
        theme_names = dict(
            Theme.objects.filter(organization_id=group.organization_id).values_list("slug", "name")
        )
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
        priority_divergence=divergence(members, use="priorities"),
        friction=friction,
        common_ground=ground,
        tailoring=tailoring,
        readiness=readiness(state),
        theme_names=theme_names,
        touch_count=len(events),
        history=history,
        settings=settings,
        state=state,
    )


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
