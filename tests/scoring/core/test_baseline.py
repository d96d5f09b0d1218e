"""The CEB purchase-likelihood baseline (no Django needed)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.baseline import (
    BASELINE_SOURCE,
    baseline_note,
    baseline_purchase_likelihood,
)


def test_published_points():
    assert baseline_purchase_likelihood(1) == 0.81
    assert baseline_purchase_likelihood(6) == 0.31
    assert baseline_purchase_likelihood(10) == 0.31
    assert baseline_purchase_likelihood(0) == 0.0
    assert baseline_purchase_likelihood(-3) == 0.0


def test_two_to_five_are_linear_between_the_published_points():
    assert [baseline_purchase_likelihood(n) for n in range(1, 7)] == [
        0.81,
        0.71,
        0.61,
        0.51,
        0.41,
        0.31,
    ]


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200))
def test_never_rises_with_group_size(a, b):
    small, large = sorted((a, b))
    assert 0.31 <= baseline_purchase_likelihood(large) <= baseline_purchase_likelihood(small)
    assert baseline_purchase_likelihood(small) <= 0.81


def test_notes_say_baseline_not_prediction_and_when_interpolated():
    for size in range(1, 12):
        note = baseline_note(size)
        assert "baseline, not a prediction" in note
        assert f"{round(baseline_purchase_likelihood(size) * 100)}%" in note
        assert ("interpolated" in note) == (2 <= size <= 5)
    assert "used for 9 people" in baseline_note(9)
    assert "no members" in baseline_note(0)


def test_source_names_ceb_and_both_figures():
    assert "CEB" in BASELINE_SOURCE
    assert "81%" in BASELINE_SOURCE
    assert "31%" in BASELINE_SOURCE
