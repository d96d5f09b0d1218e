"""The heatmap draws each cell from values worked out once per row, column and share:
byte for byte what it drew before (tests/charts/heatmap_before.py, the reference), for
any labels (hostile ones included), any shares (out of range, NaN, infinite, not numbers)
and people not reached yet."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from charts.heatmap import render_heatmap
from charts.svg import HeatRow, ThemeCol
from tests.charts import heatmap_before
from tests.charts.chart_samples import EVIL

labels = st.one_of(st.just(EVIL), st.just(""), st.text(max_size=40))
slugs = st.sampled_from(["downtime", "security", "tco", "integration", "cost", "risk"])
shares = st.one_of(
    st.floats(min_value=0, max_value=1),
    st.sampled_from([0.0, -0.0, 0.004, 0.005, 0.5, 1.0, 1.5, -0.2, math.nan, math.inf, "x"]),
)
rows = st.lists(
    st.builds(
        HeatRow,
        key=st.text(min_size=1, max_size=12),
        label=labels,
        sublabel=labels,
        values=st.dictionaries(slugs, shares, max_size=6),
        unaligned=st.booleans(),
    ),
    max_size=8,
)
columns = st.lists(st.builds(ThemeCol, slug=slugs, label=labels, common=st.booleans()), max_size=7)


@settings(max_examples=150, deadline=None)
@given(people=rows, themes=columns, title=labels)
def test_the_heatmap_is_what_it_drew_before(people, themes, title):
    assert render_heatmap(people, themes, title=title) == heatmap_before.render_heatmap(
        people, themes, title=title
    )
