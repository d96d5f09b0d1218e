"""The faster exposure (each moment aged once, exposure and its mass in one pass, the
touches as columns summed with numpy) gives float for float what the plain loops below, the
code it replaced, give."""

import math
from datetime import UTC, datetime, timedelta, timezone
from itertools import chain

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.exposure import (
    SECONDS_PER_DAY,
    TouchEvent,
    TouchTable,
    exposure,
    exposure_and_mass,
    exposure_mass,
    read_only_weights,
    table_exposure_and_mass,
    to_distribution,
)

AS_OF = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
KEYS = ["ana", "bo", "cy", "di"]
THEMES = ["roi", "security", "uptime", "compliance"]
# Few distinct moments, so that several touches share one (a message sent to several
# people), some after AS_OF, one in another time zone.
MOMENTS = [
    AS_OF - timedelta(days=d, microseconds=m) for d in (-2, 0, 0.5, 30, 45, 400) for m in (0, 7)
]
MOMENTS.append(MOMENTS[3].astimezone(timezone(timedelta(hours=-5))))

events = st.lists(
    st.builds(
        TouchEvent,
        key=st.sampled_from(KEYS),
        occurred_at=st.sampled_from(MOMENTS),
        themes=st.dictionaries(
            st.sampled_from(THEMES),
            st.one_of(st.floats(min_value=-1, max_value=1e6), st.integers(-2, 9)),
            max_size=4,
        ),
        message_id=st.sampled_from([None, "m1", "m2"]),
    ),
    max_size=40,
)


def _plain_exposure(touches, as_of, half_life_days):
    per_person = {}
    for touch in touches:
        if not touch.themes:
            continue
        age_days = (as_of - touch.occurred_at).total_seconds() / SECONDS_PER_DAY
        if age_days < 0:
            continue
        per_person.setdefault(touch.key, []).append((age_days, touch.themes))
    result = {}
    for key, items in per_person.items():
        newest = min([age for age, _ in items])
        top = max(chain.from_iterable(themes.values() for _, themes in items))
        sums = {}
        for age, themes in items:
            decay = 0.5 ** ((age - newest) / half_life_days)
            if decay == 0.0:
                continue
            for slug, w in themes.items():
                sums[slug] = sums.get(slug, 0.0) + (w / top) * decay
        distribution = to_distribution(sums)
        if distribution:
            result[key] = distribution
    return result


def _plain_mass(touches, as_of, half_life_days):
    per_person = {}
    for touch in touches:
        age_days = (as_of - touch.occurred_at).total_seconds() / SECONDS_PER_DAY
        if age_days < 0 or not touch.themes:
            continue
        per_person.setdefault(touch.key, []).append(0.5 ** (age_days / half_life_days))
    return {key: math.fsum(decays) for key, decays in per_person.items()}


@settings(max_examples=200, deadline=None)
@given(events, st.sampled_from([0.5, 7.0, 30.0, 1e-3]))
def test_exposure_and_its_mass_are_the_plain_loops_float_for_float(touches, half_life):
    expected = _plain_exposure(touches, AS_OF, half_life)
    mass = _plain_mass(touches, AS_OF, half_life)
    both = exposure_and_mass(touches, as_of=AS_OF, half_life_days=half_life)
    assert both == (expected, mass)
    assert [list(d.items()) for d in both[0].values()] == [
        list(d.items()) for d in expected.values()
    ]  # same order of people and of themes
    assert exposure(touches, as_of=AS_OF, half_life_days=half_life) == expected
    assert exposure_mass(touches, as_of=AS_OF, half_life_days=half_life) == mass


# --- the touches as columns (TouchTable): what the adapter gives the core ------------------

# Touches as the adapter lays them out: a person, an age, and one of a few shared weight
# mappings (a message sent to several people shares one), in any order; ages may repeat
# (one moment), be negative (after the moment), or be years apart.
WEIGHTS = [
    read_only_weights(weights)
    for weights in (
        {},
        {"roi": 1},
        {"roi": 2.5, "security": 1e-9},
        {"uptime": 3, "compliance": 3, "roi": 1e6},
        {"security": 7, "uptime": 0.125},
        {"compliance": 1e-300, "roi": 1e300},
        {f"theme-{n:02d}": n + 0.5 for n in range(18)},
    )
]
table_touches = st.lists(
    st.tuples(
        st.sampled_from(KEYS),
        st.one_of(
            st.sampled_from([0.0, -1.0, 0.5, 30.0, 29.999999, 400.0]),
            st.floats(min_value=-5, max_value=20_000, allow_nan=False),
        ),
        st.integers(0, len(WEIGHTS) - 1),
    ),
    max_size=120,
)


def _events_of(touches):
    """The same touches as events (ages as moments before AS_OF: the plain loops' input)."""
    return [
        TouchEvent.trusted(key, AS_OF - timedelta(days=age), WEIGHTS[number], None)
        for key, age, number in touches
    ]


@settings(max_examples=300, deadline=None)
@given(table_touches, st.sampled_from([0.5, 7.0, 30.0, 1e-3, 365.25]))
def test_the_table_gives_the_plain_loops_float_for_float(touches, half_life):
    events = _events_of(touches)
    keys = sorted(KEYS, reverse=True)  # numbered in another order than they come
    table = TouchTable(
        keys=keys,
        person=[keys.index(key) for key, _, _ in touches],
        age_days=[(AS_OF - e.occurred_at).total_seconds() / SECONDS_PER_DAY for e in events],
        themes=[number for _, _, number in touches],
        weights=WEIGHTS,
    )
    exposures, mass = table_exposure_and_mass(table, half_life_days=half_life)
    expected = _plain_exposure(events, AS_OF, half_life)
    assert exposures == expected and mass == _plain_mass(events, AS_OF, half_life)
    assert list(exposures) == list(expected) and list(mass) == list(expected)
    for key, shares in expected.items():
        assert list(exposures[key].items()) == list(shares.items())  # same bits, same order
        assert all(type(v) is float for v in exposures[key].values())


def test_many_touches_of_one_theme_add_up_in_the_order_given():
    """Sums whose last digit depends on the order of the additions: the table adds each
    person's touches in the order given, as the loop did."""
    weights = [read_only_weights({"roi": 1, "uptime": 1e-17}), read_only_weights({"roi": 3})]
    touches = [("ana", 0.1 * i, i % 2) for i in range(300)]
    events = [
        TouchEvent.trusted(key, AS_OF - timedelta(days=age), weights[n], None)
        for key, age, n in touches
    ]
    table = TouchTable(
        keys=["ana"],
        person=[0] * len(touches),
        age_days=[(AS_OF - e.occurred_at).total_seconds() / SECONDS_PER_DAY for e in events],
        themes=[n for _, _, n in touches],
        weights=weights,
    )
    assert table_exposure_and_mass(table, half_life_days=7.0) == (
        _plain_exposure(events, AS_OF, 7.0),
        _plain_mass(events, AS_OF, 7.0),
    )


def test_an_empty_table_and_a_bad_half_life():
    empty = TouchTable(keys=["ana"], person=[], age_days=[], themes=[], weights=[])
    assert table_exposure_and_mass(empty, half_life_days=30.0) == ({}, {})
    nothing_counted = TouchTable(["ana"], [0, 0], [-1.0, 3.0], [0, 1], [WEIGHTS[1], WEIGHTS[0]])
    assert table_exposure_and_mass(nothing_counted, half_life_days=30.0) == ({}, {})
    for bad in (0.0, -1.0, math.nan):
        with pytest.raises(ValueError, match="half_life_days"):
            table_exposure_and_mass(empty, half_life_days=bad)
