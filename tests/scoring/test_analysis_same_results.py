"""The faster paths of the analysis adapter give what the plain ones gave: SQLite's text
of a moment read straight as UTC, graph insights remembered by people and ties, and
readiness with unchanged exposures taken from the analysis."""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from planner.models import Relationship, Stakeholder, Touch
from scoring.analysis import _utc_moment, analyze
from scoring.core.divergence import Member, common_ground, divergence
from scoring.core.graph import analyze_graph
from scoring.core.readiness import readiness
from scoring.group_map import group_map
from suggestions.suggesting import readiness_with
from tests.factories import group_of

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))


@given(moments, st.booleans())
def test_sqlite_text_of_a_moment_reads_as_fromisoformat_then_utc(moment, micro):
    moment = moment if micro else moment.replace(microsecond=0)
    text = moment.isoformat(" ")
    expected = datetime.fromisoformat(text).replace(tzinfo=UTC)
    found = _utc_moment(text)
    assert found == expected and found.tzinfo is UTC and repr(found) == repr(expected)


@given(moments, st.integers(-12, 12))
def test_a_text_with_its_own_offset_keeps_it(moment, hours):
    aware = moment.replace(tzinfo=timezone(timedelta(hours=hours)))
    assert _utc_moment(aware.isoformat(" ")) == aware


def test_remembered_insights_are_the_insights_of_the_people_and_ties_now(org):
    group = group_of(org, 7)
    first = group_map(group)
    assert first.insights == analyze_graph(first.people, first.ties)
    assert group_map(group).insights == first.insights
    people = list(Stakeholder.objects.filter(group=group).order_by("email"))
    Relationship.objects.create(group=group, source=people[1], target=people[5], strength=5)
    Stakeholder.objects.filter(pk=people[2].pk).update(influence=5)
    changed = group_map(group)
    assert changed.insights == analyze_graph(changed.people, changed.ties)
    assert changed.insights != first.insights


def _plain_readiness_with(analysis, exposures):
    """readiness_with as it was: always computed from the state."""
    members = [
        Member(
            key=s.email,
            influence=float(s.influence),
            exposure=exposures.get(s.email, {}),
            priorities={k: float(v) for k, v in (s.priorities or {}).items()},
        )
        for s in analysis.map.stakeholders
    ]
    reached = {key for key, shares in exposures.items() if shares != analysis.exposures.get(key)}
    state = dataclasses.replace(
        analysis.state,
        exposures={k: dict(v) for k, v in exposures.items() if v},
        divergence=divergence(members),
        common_ground=common_ground(members),
        recently_touched=analysis.state.recently_touched | frozenset(reached),
    )
    return readiness(state).score


def test_readiness_with_the_same_exposures_is_the_readiness_computed_again(org):
    group = group_of(org, 6)
    people = list(Stakeholder.objects.filter(group=group).order_by("email"))
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    for i, person in enumerate(people[:4]):
        Touch.objects.create(
            group=group,
            stakeholder=person,
            occurred_at=now - timedelta(days=3 * i + 40 * (i == 3)),
            themes={"roi": 1 + i, "security": 3 - i} if i < 3 else {"uptime": 1},
        )
    analysis = analyze(group, as_of=now)
    same = {k: dict(v) for k, v in analysis.exposures.items()}
    with_empty = {**same, people[5].email: {}}  # an unreached person listed: reached now
    fewer = {k: v for k, v in same.items() if k != people[0].email}
    moved = {**same, people[1].email: {"uptime": 1.0}}
    for exposures in (same, with_empty, fewer, moved, analysis.exposures):
        assert readiness_with(analysis, exposures) == _plain_readiness_with(analysis, exposures)
    assert readiness_with(analysis, same) == analysis.readiness.score
