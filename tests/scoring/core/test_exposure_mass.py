"""The mass behind an exposure: how many recency-weighted touches a person's mix rests on."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.exposure import TouchEvent, exposure, exposure_mass

AS_OF = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
KEYS = ["ana@buyer.com", "bo@buyer.com", "cy@buyer.com"]
THEMES = ["cost-of-downtime", "security", "roi"]


def touch(key, days_ago, themes):
    return TouchEvent(key=key, occurred_at=AS_OF - timedelta(days=days_ago), themes=themes)


def test_a_fresh_touch_weighs_one_and_one_a_half_life_old_weighs_half():
    touches = [
        touch("ana@buyer.com", 0, {"security": 5}),
        touch("ana@buyer.com", 30, {"roi": 1, "security": 2}),
        touch("bo@buyer.com", 60, {"roi": 1}),
    ]
    assert exposure_mass(touches, as_of=AS_OF) == pytest.approx(
        {"ana@buyer.com": 1.5, "bo@buyer.com": 0.25}
    )


def test_the_half_life_is_honoured():
    touches = [touch("ana@buyer.com", 10, {"roi": 1})]
    assert exposure_mass(touches, as_of=AS_OF, half_life_days=10) == pytest.approx(
        {"ana@buyer.com": 0.5}
    )


def test_future_touches_and_touches_without_themes_do_not_count():
    touches = [
        touch("ana@buyer.com", -1, {"roi": 1}),
        touch("bo@buyer.com", 0, {}),
        touch("bo@buyer.com", 0, {"roi": 0, "security": -2}),
        touch("cy@buyer.com", 0, {"roi": 1}),
    ]
    assert exposure_mass(touches, as_of=AS_OF) == {"cy@buyer.com": 1.0}


def test_a_bad_clock_or_half_life_is_refused():
    with pytest.raises(ValueError):
        exposure_mass([], as_of=datetime(2026, 11, 1), half_life_days=30)
    with pytest.raises(ValueError):
        exposure_mass([], as_of=AS_OF, half_life_days=0)
    with pytest.raises(ValueError):
        exposure_mass([], as_of=AS_OF, half_life_days=float("nan"))


touch_events = st.builds(
    touch,
    key=st.sampled_from(KEYS),
    days_ago=st.floats(min_value=-30, max_value=3650),
    themes=st.dictionaries(
        st.sampled_from(THEMES), st.floats(min_value=-1, max_value=100), max_size=3
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(touch_events, max_size=12), st.floats(min_value=10, max_value=365))
def test_mass_backs_exactly_the_people_with_an_exposure(touches, half_life):
    masses = exposure_mass(touches, as_of=AS_OF, half_life_days=half_life)
    exposures = exposure(touches, as_of=AS_OF, half_life_days=half_life)
    assert masses.keys() == exposures.keys()
    counted = {}
    for t in touches:
        if t.occurred_at <= AS_OF and t.themes:
            counted[t.key] = counted.get(t.key, 0) + 1
    for key, mass in masses.items():
        # Every counted touch weighs at most 1 (a fresh one) and more than 0.
        assert 0 < mass <= counted[key] + 1e-9
