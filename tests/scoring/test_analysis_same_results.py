"""The faster paths of the analysis adapter give what the plain ones gave: SQLite's and
PostgreSQL's text of a moment read straight as UTC, graph insights remembered by people
and ties, and readiness with unchanged exposures taken from the analysis."""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from hypothesis import given
from hypothesis import strategies as st
from psycopg.postgres import types as pg_types

from planner.models import Relationship, Stakeholder, Touch
from scoring.analysis import analyze, touch_columns
from scoring.core.divergence import Member, common_ground, divergence
from scoring.core.graph import Person, Tie, analyze_graph
from scoring.core.readiness import readiness
from scoring.group_map import group_map
from scoring.touch_history import _postgres_moment, _sqlite_moment
from suggestions.suggesting import readiness_with
from tests.factories import group_of

moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1))


@given(moments, st.booleans())
def test_sqlite_text_of_a_moment_reads_as_fromisoformat_then_utc(moment, micro):
    moment = moment if micro else moment.replace(microsecond=0)
    text = moment.isoformat(" ")
    expected = datetime.fromisoformat(text).replace(tzinfo=UTC)
    found = _sqlite_moment(text)
    assert found == expected and found.tzinfo is UTC and repr(found) == repr(expected)


@given(moments, st.integers(-12, 12))
def test_a_text_with_its_own_offset_keeps_it(moment, hours):
    aware = moment.replace(tzinfo=timezone(timedelta(hours=hours)))
    assert _sqlite_moment(aware.isoformat(" ")) == aware


class _DjangoUtcLoader(BaseTzLoader):
    """Django's loader of a timestamptz on a connection in UTC: what Django reads."""

    timezone = UTC


_DJANGO_LOADER = _DjangoUtcLoader(pg_types["timestamptz"].oid)


def _postgres_text(moment: datetime, offset_seconds: int) -> str:
    """`moment` as PostgreSQL writes a timestamptz (ISO DateStyle) in a time zone
    `offset_seconds` east of UTC: microseconds without trailing zeros, the offset as
    +HH, +HH:MM or +HH:MM:SS."""
    local = moment.replace(tzinfo=UTC) + timedelta(seconds=offset_seconds)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}".rstrip("0")
    sign, offset = ("+" if offset_seconds >= 0 else "-"), abs(offset_seconds)
    hours, rest = divmod(offset, 3600)
    minutes, seconds = divmod(rest, 60)
    text += f"{sign}{hours:02d}"
    if minutes or seconds:
        text += f":{minutes:02d}"
    if seconds:
        text += f":{seconds:02d}"
    return text


micros = st.sampled_from([0, 1, 10, 500_000, 120_000, 123_456, 999_999]) | st.integers(0, 999_999)


@given(moments, micros)
def test_postgres_text_of_a_moment_in_utc_reads_as_djangos_loader_reads_it(moment, micro):
    text = _postgres_text(moment.replace(microsecond=micro), 0)
    expected = _DJANGO_LOADER.load(text.encode())
    found = _postgres_moment(text)
    assert found.tzinfo is UTC and repr(found) == repr(expected)


# Offsets of whole hours, half and quarter hours, and local mean time (seconds).
offsets = st.sampled_from([3600 * 5 + 1800, -3 * 3600, 3600 * 5 + 2700, 1172, -(3600 + 75)])


@given(moments, micros, offsets)
def test_postgres_text_with_another_offset_is_that_moment_in_utc(moment, micro, offset):
    text = _postgres_text(moment.replace(microsecond=micro), offset)
    found = _postgres_moment(text)
    assert found.tzinfo is UTC and repr(found) == repr(_DJANGO_LOADER.load(text.encode()))


@pytest.mark.django_db
def test_touch_columns_read_every_moment_as_django_does(org):
    """On the database the tests run on (SQLite, or PostgreSQL with DATABASE_URL)."""
    group = group_of(org, 2)
    person = Stakeholder.objects.filter(group=group).first()
    india, marquesas = timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=9.5))
    odd = [
        datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        datetime(2026, 11, 1, 9, 30, 0, 500_000, tzinfo=UTC),
        datetime(2026, 11, 1, 9, 30, 0, 1, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 123_456, tzinfo=india),
        datetime(2001, 1, 1, tzinfo=marquesas),
    ]
    for moment in odd:
        Touch.objects.create(group=group, stakeholder=person, occurred_at=moment, themes={"a": 1})
    touches = Touch.objects.filter(group=group)
    rows, read_moment = touch_columns(touches)
    if connection.vendor in ("sqlite", "postgresql"):
        assert read_moment is not None  # the fast path is the one tested here
    found = [read_moment(row[1]) if read_moment else row[1] for row in rows]
    expected = list(touches.values_list("occurred_at", flat=True))
    assert [repr(moment) for moment in found] == [repr(moment) for moment in expected]
    assert sorted(found) == sorted(moment.astimezone(UTC) for moment in odd)


def _people_and_ties(stakeholders, relationships):
    """How the map made its people and ties before they were remembered with its insights."""
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
    return tuple(people), tuple(ties)


def test_remembered_insights_are_the_insights_of_the_people_and_ties_now(org):
    group = group_of(org, 7)
    first = group_map(group)
    assert first.insights == analyze_graph(first.people, first.ties)
    by_pk = sorted(first.relationships, key=lambda r: r.pk)
    assert (first.people, first.ties) == _people_and_ties(first.stakeholders, by_pk)
    assert group_map(group).insights == first.insights
    people = list(Stakeholder.objects.filter(group=group).order_by("email"))
    Relationship.objects.create(group=group, source=people[1], target=people[5], strength=5)
    Stakeholder.objects.filter(pk=people[2].pk).update(influence=5)
    changed = group_map(group)
    assert changed.insights == analyze_graph(changed.people, changed.ties)
    assert changed.insights != first.insights
    by_pk = sorted(changed.relationships, key=lambda r: r.pk)
    assert (changed.people, changed.ties) == _people_and_ties(changed.stakeholders, by_pk)
    assert group_map(group).people is changed.people  # remembered, with its insights


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
