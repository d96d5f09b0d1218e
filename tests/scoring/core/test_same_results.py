"""The faster exposure (each moment aged once, exposure and its mass in one pass) gives
float for float what the plain loops below, the code it replaced, give."""

import math
from datetime import UTC, datetime, timedelta, timezone
from itertools import chain

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.exposure import (
    SECONDS_PER_DAY,
    TouchEvent,
    exposure,
    exposure_and_mass,
    exposure_mass,
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
