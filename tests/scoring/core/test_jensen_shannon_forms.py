"""The Jensen-Shannon formula summed theme by theme (`scoring.core.jensen_shannon.theme_sums`,
what the forecast's batches use) is the sum of its terms (`terms`, what the breakdowns
show), for any weights and distributions, zeros included."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.core.jensen_shannon import terms as _jensen_shannon_terms
from scoring.core.jensen_shannon import theme_sums as _jensen_shannon_themes

shapes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(1, 5))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), shape=shapes)
def test_the_theme_sums_are_the_sums_of_the_terms(data, shape):
    k, members, themes = shape
    values = st.floats(0, 5, allow_nan=False).map(lambda v: 0.0 if v < 1 else v)
    raw_w = data.draw(arrays(float, (k, members), elements=values))
    raw_p = data.draw(arrays(float, (k, members, themes), elements=values))
    w = raw_w / np.where(raw_w.sum(axis=1) > 0, raw_w.sum(axis=1), 1.0)[:, None]
    sums = raw_p.sum(axis=2)
    p = raw_p / np.where(sums > 0, sums, 1.0)[:, :, None]

    terms, mix, entropy = _jensen_shannon_terms(w, p)
    themes_sum, mix_again, entropy_again = _jensen_shannon_themes(w, p)

    np.testing.assert_allclose(themes_sum, terms.sum(axis=1), atol=1e-12)
    np.testing.assert_array_equal(mix_again, mix)
    np.testing.assert_array_equal(entropy_again, entropy)


def test_a_worked_example_by_hand():
    """Two members of equal weight, one all on theme a, one half a and half b: M = (3/4,
    1/4); JS = 1/2 (1 log2(4/3)) + 1/2 (1/2 log2(2/3) + 1/2 log2(2)) = 0.3113 bits."""
    w = np.array([[0.5, 0.5]])
    p = np.array([[[1.0, 0.0], [0.5, 0.5]]])
    expected = 0.5 * np.log2(4 / 3) + 0.5 * (0.5 * np.log2(2 / 3) + 0.5 * np.log2(2))
    assert round(expected, 4) == 0.3113
    themes_sum, mix, entropy = _jensen_shannon_themes(w, p)
    np.testing.assert_allclose(themes_sum.sum(), expected, atol=1e-15)
    np.testing.assert_allclose(mix, [[0.75, 0.25]])
    np.testing.assert_allclose(entropy, [1.0])
