"""What each stakeholder has heard (exposure) and how tailored the messages were."""

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.exposure import TouchEvent, exposure, tailoring_index

AS_OF = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
KEYS = ["ana@buyer.com", "bo@buyer.com", "cy@buyer.com", "di@buyer.com"]
THEMES = ["cost-of-downtime", "security", "compliance", "integration", "roi"]


def touch(key, days_ago, themes, message_id=None):
    return TouchEvent(
        key=key,
        occurred_at=AS_OF - timedelta(days=days_ago),
        themes=themes,
        message_id=message_id,
    )


touch_events = st.builds(
    touch,
    key=st.sampled_from(KEYS),
    days_ago=st.floats(min_value=-60, max_value=3650),
    themes=st.dictionaries(
        st.sampled_from(THEMES), st.floats(min_value=0.01, max_value=100), max_size=4
    ),
    message_id=st.one_of(st.none(), st.sampled_from(["m1", "m2", "m3", "m4"])),
)


# exposure ---------------------------------------------------------------------------


def test_a_touch_one_half_life_old_weighs_half():
    touches = [
        touch("ana@buyer.com", 0, {"security": 1}),
        touch("ana@buyer.com", 30, {"roi": 1}),
    ]
    result = exposure(touches, as_of=AS_OF, half_life_days=30)
    assert result["ana@buyer.com"] == pytest.approx({"security": 2 / 3, "roi": 1 / 3})


def test_two_half_lives_old_weighs_a_quarter_with_a_custom_half_life():
    touches = [
        touch("ana@buyer.com", 1, {"security": 1}),
        touch("ana@buyer.com", 21, {"roi": 1}),
    ]
    result = exposure(touches, as_of=AS_OF, half_life_days=10)
    assert result["ana@buyer.com"] == pytest.approx({"security": 0.8, "roi": 0.2})


def test_theme_weights_within_a_touch_are_summed_across_touches():
    touches = [
        touch("bo@buyer.com", 0, {"security": 3, "roi": 1}),
        touch("bo@buyer.com", 0, {"roi": 4}),
    ]
    result = exposure(touches, as_of=AS_OF)
    assert result["bo@buyer.com"] == pytest.approx({"security": 3 / 8, "roi": 5 / 8})


def test_touches_after_as_of_are_ignored():
    touches = [
        touch("ana@buyer.com", 5, {"security": 1}),
        touch("ana@buyer.com", -1, {"roi": 10}),
        touch("bo@buyer.com", -0.001, {"roi": 1}),
    ]
    result = exposure(touches, as_of=AS_OF)
    assert result == {"ana@buyer.com": {"security": 1.0}}


def test_a_touch_exactly_at_as_of_counts():
    result = exposure([touch("ana@buyer.com", 0, {"roi": 1})], as_of=AS_OF)
    assert result == {"ana@buyer.com": {"roi": 1.0}}


def test_people_whose_touches_carry_no_usable_theme_are_absent():
    touches = [
        touch("ana@buyer.com", 1, {}),
        touch("bo@buyer.com", 1, {"roi": 0, "security": -2, "compliance": math.nan}),
        touch("cy@buyer.com", 1, {"roi": math.inf, "security": 2}),
    ]
    assert exposure(touches, as_of=AS_OF) == {"cy@buyer.com": {"security": 1.0}}


def test_very_old_touches_still_give_a_distribution():
    touches = [
        touch("ana@buyer.com", 40_000, {"roi": 1}),
        touch("ana@buyer.com", 40_030, {"security": 1}),
    ]
    result = exposure(touches, as_of=AS_OF, half_life_days=30)
    assert result["ana@buyer.com"] == pytest.approx({"roi": 2 / 3, "security": 1 / 3})


def test_time_zones_are_compared_as_instants():
    paris = timezone(timedelta(hours=1))
    touches = [
        TouchEvent(key="ana@buyer.com", occurred_at=AS_OF.astimezone(paris), themes={"roi": 1}),
        TouchEvent(
            key="ana@buyer.com",
            occurred_at=(AS_OF + timedelta(minutes=1)).astimezone(paris),
            themes={"security": 1},
        ),
    ]
    assert exposure(touches, as_of=AS_OF) == {"ana@buyer.com": {"roi": 1.0}}


def test_each_person_is_listed_largest_theme_first():
    touches = [touch("ana@buyer.com", 0, {"a": 1, "c": 3, "b": 3})]
    result = exposure(touches, as_of=AS_OF)
    assert list(result["ana@buyer.com"]) == ["b", "c", "a"]


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        TouchEvent(key="ana@buyer.com", occurred_at=datetime(2026, 1, 1), themes={"roi": 1})
    with pytest.raises(ValueError, match="timezone-aware"):
        exposure([], as_of=datetime(2026, 1, 1))


@pytest.mark.parametrize("half_life", [0, -1, math.nan])
def test_half_life_must_be_positive(half_life):
    with pytest.raises(ValueError, match="half_life_days"):
        exposure([], as_of=AS_OF, half_life_days=half_life)


def test_touch_themes_are_read_only_and_detached_from_the_callers_dict():
    themes = {"roi": 1.0}
    event = touch("ana@buyer.com", 0, themes)
    themes["security"] = 5.0
    assert dict(event.themes) == {"roi": 1.0}
    with pytest.raises(TypeError):
        event.themes["roi"] = 2.0


@settings(max_examples=60, deadline=None)
@given(touches=st.lists(touch_events, max_size=30), half_life=st.floats(0.5, 365))
def test_every_distribution_sums_to_one(touches, half_life):
    result = exposure(touches, as_of=AS_OF, half_life_days=half_life)
    counted = {t.key for t in touches if t.occurred_at <= AS_OF and t.themes}
    assert set(result) == counted
    for distribution in result.values():
        assert distribution
        assert all(math.isfinite(v) and 0 < v <= 1 for v in distribution.values())
        assert math.fsum(distribution.values()) == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(touches=st.lists(touch_events, max_size=20), shift=st.floats(-1000, 1000))
def test_only_the_age_of_touches_matters_not_the_calendar(touches, shift):
    delta = timedelta(days=shift)
    moved = [TouchEvent(t.key, t.occurred_at + delta, t.themes, t.message_id) for t in touches]
    before = exposure(touches, as_of=AS_OF)
    after = exposure(moved, as_of=AS_OF + delta)
    assert set(before) == set(after)
    for key, distribution in before.items():
        assert after[key] == pytest.approx(distribution, abs=1e-9)


# tailoring index --------------------------------------------------------------------


def test_no_recent_touch_gives_zero():
    assert tailoring_index([], as_of=AS_OF) == 0.0
    old = [touch("ana@buyer.com", 45, {"roi": 1})]
    assert tailoring_index(old, as_of=AS_OF, window_days=30) == 0.0


def test_one_message_sent_to_the_whole_group_is_not_tailored():
    touches = [touch(key, 3, {"roi": 1}, "launch-webinar") for key in KEYS]
    assert tailoring_index(touches, as_of=AS_OF) == 0.0


def test_touches_without_a_message_id_count_as_individual():
    touches = [touch(key, 3, {"roi": 1}) for key in KEYS]
    assert tailoring_index(touches, as_of=AS_OF) == 1.0


def test_mixed_touches_give_the_individual_share():
    touches = [
        touch("ana@buyer.com", 1, {"roi": 1}, "shared"),
        touch("bo@buyer.com", 2, {"roi": 1}, "shared"),
        touch("cy@buyer.com", 3, {"security": 1}, "for-cy-only"),
        touch("di@buyer.com", 4, {"security": 1}),
    ]
    assert tailoring_index(touches, as_of=AS_OF) == 0.5


def test_the_same_message_twice_to_one_person_is_still_individual():
    touches = [
        touch("ana@buyer.com", 1, {"roi": 1}, "follow-up"),
        touch("ana@buyer.com", 2, {"roi": 1}, "follow-up"),
    ]
    assert tailoring_index(touches, as_of=AS_OF) == 1.0


def test_a_message_shared_before_the_window_still_counts_as_shared():
    touches = [
        touch("ana@buyer.com", 5, {"roi": 1}, "business-case"),
        touch("bo@buyer.com", 60, {"roi": 1}, "business-case"),
    ]
    assert tailoring_index(touches, as_of=AS_OF, window_days=30) == 0.0


def test_recipients_after_as_of_do_not_make_a_message_shared():
    touches = [
        touch("ana@buyer.com", 5, {"roi": 1}, "business-case"),
        touch("bo@buyer.com", -2, {"roi": 1}, "business-case"),
    ]
    assert tailoring_index(touches, as_of=AS_OF) == 1.0


def test_the_window_bounds_which_touches_are_recent():
    touches = [
        touch("ana@buyer.com", 1, {"roi": 1}),
        touch("bo@buyer.com", 10, {"roi": 1}, "shared"),
        touch("cy@buyer.com", 10, {"roi": 1}, "shared"),
    ]
    assert tailoring_index(touches, as_of=AS_OF, window_days=5) == 1.0
    assert tailoring_index(touches, as_of=AS_OF, window_days=10) == pytest.approx(1 / 3)


@pytest.mark.parametrize("window", [-1, math.nan, math.inf])
def test_window_must_be_a_finite_non_negative_number(window):
    with pytest.raises(ValueError, match="window_days"):
        tailoring_index([], as_of=AS_OF, window_days=window)


@settings(max_examples=60, deadline=None)
@given(touches=st.lists(touch_events, max_size=30), window=st.floats(0, 400))
def test_tailoring_index_is_a_share(touches, window):
    value = tailoring_index(touches, as_of=AS_OF, window_days=window)
    assert math.isfinite(value)
    assert 0.0 <= value <= 1.0
