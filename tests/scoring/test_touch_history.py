"""The touches read as columns (`scoring.touch_history`) give exactly what the adapter gave
when it read them row by row into TouchEvents: the history, the exposures and their mass,
the tailoring index and who was touched. The reference is that adapter, kept below."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.prepared_queries import Prepared, fetch_all
from content.models import Asset
from planner.models import Relationship, Stakeholder, Touch
from scoring import cached
from scoring.core.exposure import (
    TouchEvent,
    exposure_and_mass,
    read_only_weights,
    recent_activity,
    table_exposure_and_mass,
)
from scoring.group_map import TIE_COLUMNS
from scoring.touch_history import (
    _COLUMNS,
    _TOUCHES,
    RECENT_DAYS,
    LazyEvents,
    _postgres_moment,
    _read_rows,
    _sqlite_moment,
    _touch_rows,
    read_touches,
)
from tests.factories import group_of

AS_OF = datetime(2026, 11, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def _reference(rows, read_moment, as_of, emails, half_life=30.0):
    """The adapter as it was: a TouchEvent per row, then the cores on the events."""
    events, seen, recipients, recent_rows = [], {}, {}, []
    since = as_of - timedelta(days=RECENT_DAYS)
    for sid, occurred_at, themes, asset_themes, message, slug, level, framing in rows:
        key = emails.get(sid)
        if key is None:
            continue
        if read_moment:
            occurred_at = read_moment(occurred_at)
        value = json.loads(themes) if themes is not None else None
        if value:
            weights = read_only_weights(value)
        else:
            asset_value = json.loads(asset_themes) if asset_themes is not None else None
            weights = read_only_weights(asset_value) if asset_value else read_only_weights({})
        events.append(TouchEvent(key, occurred_at, weights, message))
        recipients.setdefault(message, set()).add(key)
        if slug:
            seen.setdefault(key, set()).add(slug)
        if occurred_at >= since:
            recent_rows.append((message, level, framing))
    individual = sum(
        1
        for message, level, framing in recent_rows
        if level == "individualized" or framing == "individual" or len(recipients[message]) == 1
    )
    exposures, mass = exposure_and_mass(events, as_of=as_of, half_life_days=half_life)
    tailoring, touched = recent_activity(events, as_of=as_of, window_days=RECENT_DAYS)
    return {
        "events": events,
        "seen": {key: frozenset(slugs) for key, slugs in seen.items()},
        "recent": len(recent_rows),
        "individual_share": individual / len(recent_rows) if recent_rows else 0.0,
        "exposures": exposures,
        "mass": mass,
        "tailoring": tailoring,
        "touched": touched,
    }


def _found(read, half_life=30.0):
    exposures, mass = table_exposure_and_mass(read.table, half_life_days=half_life)
    history = read.history
    return {
        "events": list(history.events),
        "seen": history.seen,
        "recent": history.recent,
        "individual_share": history.individual_share,
        "exposures": exposures,
        "mass": mass,
        "tailoring": read.tailoring,
        "touched": read.recently_touched,
    }


def _same(found, expected):
    assert found == expected
    assert repr(found) == repr(expected)  # every float to the last digit, every order


# --- rows as the database gives them, made up -----------------------------------------------

THEME_TEXTS = [
    '{"roi": 1}',
    '{"roi": 2, "security": 0.5}',
    '{"security": 3, "uptime": 1e-9, "bad": -1}',
    "{}",
    "null",
    "[]",
    '{"uptime": 1e300, "roi": 1e-300}',
    '{"compliance": 0}',
    '{"roi": 0.000000001, "uptime": 1000000000000000000000}',  # as PostgreSQL writes numbers
]
# The instants the made-up rows hold, and each database's text of one (`touch_columns` reads
# occurred_at as text): SQLite's is Django's naive UTC isoformat, PostgreSQL's timestamptz
# text in a UTC session drops the fraction's trailing zeros and ends in "+00".
INSTANTS = [
    AS_OF - timedelta(days=days, microseconds=micro)
    for days in (0, 0.5, 29.99, 30, 30.01, 45, 400)
    for micro in (0, 1)
] + [AS_OF.replace(microsecond=0) - timedelta(days=3), AS_OF + timedelta(hours=1)]  # + after


def sqlite_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def postgres_text(moment: datetime) -> str:
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return (text.rstrip("0") if "." in text else text) + "+00"


# vendor -> (the database's text of a moment, how the analysis reads it back)
DATABASE_TEXT = {
    "sqlite": (sqlite_text, _sqlite_moment),
    "postgresql": (postgres_text, _postgres_moment),
}
SQLITE_MOMENTS = [sqlite_text(moment) for moment in INSTANTS]


def made_up_rows(moments: list[str]):
    return st.lists(
        st.tuples(
            st.sampled_from([1, 2, 3, 4, 99]),  # 99: a touch of someone not in the map
            st.sampled_from(moments),
            st.sampled_from(THEME_TEXTS),
            st.one_of(st.none(), st.sampled_from(THEME_TEXTS)),  # the asset's
            st.one_of(
                st.sampled_from(["m1", "m2", "m3"]), st.integers(1, 40).map("touch-{}".format)
            ),
            st.one_of(st.none(), st.sampled_from(["a", "b"])),
            st.one_of(st.none(), st.sampled_from(["individualized", "shared"])),
            st.one_of(st.none(), st.sampled_from(["individual", "shared_problem"])),
        ),
        max_size=60,
    )


def _rows_of(vendor: str):
    write, read_moment = DATABASE_TEXT[vendor]
    texts = [write(moment) for moment in INSTANTS]
    return made_up_rows(texts).map(lambda found: (found, read_moment))


# Made-up rows as either database gives them, with the reader the analysis uses for it.
rows = st.sampled_from(sorted(DATABASE_TEXT)).flatmap(_rows_of)
EMAILS = {1: "ana@x.example", 2: "bo@x.example", 3: "cy@x.example", 4: "di@x.example"}


@settings(max_examples=300, deadline=None)
@given(rows, st.sampled_from([30.0, 7.0, 0.5]))
def test_read_touches_gives_what_the_row_by_row_adapter_gave(made_up, half_life):
    found_rows, read_moment = made_up
    read = read_touches(None, as_of=AS_OF, emails=EMAILS, rows=(found_rows, read_moment))
    expected = _reference(found_rows, read_moment, AS_OF, EMAILS, half_life)
    _same(_found(read, half_life), expected)
    assert len(read.history.events) == len(expected["events"])


def test_a_text_that_is_not_an_object_fails_as_before():
    bad = [(1, SQLITE_MOMENTS[0], "[1, 2]", None, "touch-1", None, None, None)]
    with pytest.raises(AttributeError):
        _reference(bad, _sqlite_moment, AS_OF, EMAILS)
    with pytest.raises(AttributeError):
        read_touches(None, as_of=AS_OF, emails=EMAILS, rows=(bad, _sqlite_moment))


def test_a_naive_moment_fails_as_a_touch_event_would():
    naive = [(1, datetime(2026, 10, 1), '{"roi": 1}', None, "touch-1", None, None, None)]
    with pytest.raises(ValueError, match="timezone-aware"):
        read_touches(None, as_of=AS_OF, emails=EMAILS, rows=(naive, None))


# --- the events, built when read --------------------------------------------------------------


def test_the_events_are_built_when_read_and_behave_as_their_list():
    found_rows = [
        (1, SQLITE_MOMENTS[0], '{"roi": 1}', None, "m1", None, None, None),
        (2, SQLITE_MOMENTS[0], '{"roi": 1}', None, "m1", None, None, None),
        (3, SQLITE_MOMENTS[3], "{}", '{"uptime": 2}', "touch-3", "a", None, None),
    ]
    events = read_touches(None, as_of=AS_OF, emails=EMAILS, rows=(found_rows, _sqlite_moment))
    events = events.history.events
    assert isinstance(events, LazyEvents) and len(events) == 3 and events._events is None
    expected = _reference(found_rows, _sqlite_moment, AS_OF, EMAILS)["events"]
    assert events == expected and expected == events and events != tuple(expected)
    assert repr(events) == repr(expected) and list(events) == expected
    assert events[2] == expected[2] and events[-1:] == expected[-1:]
    assert events[0].themes is events[1].themes  # one message: one read-only mapping
    again = cached.loads(cached.dumps(events))  # as the analysis cache pickles
    assert again == expected and type(again) is list  # pickled as the plain list
    with pytest.raises(TypeError):
        hash(events)


# --- on the database ---------------------------------------------------------------------------


@pytest.fixture
def touched_group(org):
    group = group_of(org, 5)
    people = list(Stakeholder.objects.filter(group=group).order_by("email"))
    asset = Asset.objects.create(
        organization=org, slug="a", title="A", themes={"security": 2}, level="individualized"
    )
    shared = Asset.objects.create(organization=org, slug="b", title="B", themes={"roi": 1})
    for i in range(40):
        Touch.objects.create(
            group=group,
            stakeholder=people[i % 5],
            occurred_at=AS_OF - timedelta(days=i * 1.7, microseconds=i),
            themes={} if i % 4 == 0 else {"roi": 1 + i % 3, "uptime": i % 2},
            asset=(asset, shared, None)[i % 3],
            message_key=f"m{i // 3}" if i % 2 else "",
        )
    Touch.objects.create(  # after as_of: not read
        group=group, stakeholder=people[0], occurred_at=AS_OF + timedelta(days=1), themes={"x": 1}
    )
    return group, {p.pk: p.email for p in people}


def test_the_groups_touches_read_as_the_adapter_read_them(touched_group):
    group, emails = touched_group
    rows, read_moment = _touch_rows(group, AS_OF)
    expected = _reference(list(rows), read_moment, AS_OF, emails)
    _same(_found(read_touches(group, as_of=AS_OF, emails=emails)), expected)
    assert expected["seen"] and expected["recent"]  # the case is not empty


def test_a_touchs_message_is_its_key_or_its_pk(touched_group):
    group, _ = touched_group
    rows, _ = _touch_rows(group, AS_OF)
    expected = Touch.objects.filter(group=group, occurred_at__lte=AS_OF).values_list(
        "message_key", "pk"
    )
    assert [row[4] for row in rows] == [key or f"touch-{pk}" for key, pk in expected]
    assert any(key for key, _ in expected) and not all(key for key, _ in expected)


def test_one_fetchall_gives_the_rows_iterating_the_query_gives(touched_group):
    group, _ = touched_group
    rows, _ = _touch_rows(group, AS_OF)
    assert fetch_all(rows, _COLUMNS) == list(rows)
    ties = Relationship.objects.filter(group=group).order_by("pk").values_list(*TIE_COLUMNS)
    assert fetch_all(ties, TIE_COLUMNS) == list(ties)
    # A column Django converts (a datetime): converted; columns in another order: Django reads.
    moments = Touch.objects.filter(group=group).values_list("pk", "occurred_at")
    assert fetch_all(moments, ("pk", "occurred_at")) == list(moments)
    assert fetch_all(ties, ("kind", "id")) == list(ties)


def test_the_made_up_rows_are_the_databases_own(touched_group):
    """The made-up rows above hold moments as this database writes them (its text, with and
    without a fraction), read back by the reader the analysis uses on it."""
    group, _ = touched_group
    whole = Touch.objects.create(  # a moment without a fraction of a second
        group=group,
        stakeholder=Stakeholder.objects.filter(group=group).first(),
        occurred_at=AS_OF.replace(microsecond=0) - timedelta(days=2),
        themes={"roi": 1e-9},
    )
    write, reader = DATABASE_TEXT[connection.vendor]
    rows, read_moment = _touch_rows(group, AS_OF)
    assert read_moment.__wrapped__ is reader  # remembered by its text
    stored = Touch.objects.filter(group=group, occurred_at__lte=AS_OF)
    expected = sorted((write(t.occurred_at), t.themes) for t in stored)
    found = sorted((row[1], json.loads(row[2])) for row in rows)
    assert found == expected and len(found) == 41
    assert write(whole.occurred_at) in {text for text, _ in found}
    assert {read_moment(text) for text, _ in found} == {t.occurred_at for t in stored}


def test_the_query_compiled_once_reads_each_groups_touches_up_to_each_moment(org, touched_group):
    group, _ = touched_group
    other = group_of(org, 2)
    person = Stakeholder.objects.filter(group=other).first()
    Touch.objects.create(group=other, stakeholder=person, occurred_at=AS_OF, themes={"a": 1})
    for each in (group, other):
        for moment in (AS_OF, AS_OF - timedelta(days=20), AS_OF + timedelta(days=2)):
            rows, read_moment = _read_rows(each, moment)
            query, expected_reader = _touch_rows(each, moment)
            assert rows == list(query) and read_moment is expected_reader
    assert _TOUCHES._compiled[("default", connection.vendor)] is not None  # compiled once


def test_a_querys_constants_stay_and_a_value_given_twice_compiles_every_time(touched_group):
    group, _ = touched_group

    def build(group_id):  # "" is a constant of the query
        return Touch.objects.filter(group_id=group_id).exclude(message_key="").values_list("pk")

    prepared = Prepared(build, ("pk",), sentinels=(-1,))
    assert prepared.rows("default", group.pk) == list(build(group.pk)) != []
    assert prepared.rows("default", group.pk + 1) == list(build(group.pk + 1))
    assert prepared._compiled[("default", connection.vendor)] is not None

    def twice(group_id):
        return Touch.objects.filter(group_id=group_id).exclude(pk=group_id).values_list("pk")

    prepared = Prepared(twice, ("pk",), sentinels=(-1,))
    assert prepared.rows("default", group.pk) == list(twice(group.pk)) != []
    assert prepared._compiled == {("default", connection.vendor): None}
