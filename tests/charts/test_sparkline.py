"""The sparkline: a small labelled line, the last point emphasised and coloured by whether
things got better, sensible with no, one or wild values, and its label escaped."""

import math

from charts.svg import render_sparkline
from tests.charts.chart_samples import EVIL, SVG, parse


def test_a_sparkline_is_a_small_labelled_line_with_the_last_point_emphasised():
    svg = render_sparkline([40, 42, None, 57], label="Readiness, last 4 weeks")
    root = parse(svg)
    assert (root.get("width"), root.get("height")) == ("120", "28")
    assert root.get("aria-label") == "Readiness, last 4 weeks: from 40 to 57"
    assert root.find(f"{SVG}title").text == "Readiness, last 4 weeks: from 40 to 57"
    line = root.find(f"{SVG}path")
    assert line.get("d").count("L") == 2  # three known points, the None skipped
    (dot,) = root.findall(f"{SVG}circle")
    assert dot.get("cx") == "116"  # the last slot, on the right
    assert float(dot.get("cy")) < 14  # the highest value, near the top


def test_the_last_point_is_coloured_by_whether_things_got_better():
    def dot(values, **options):
        return parse(render_sparkline(values, label="x", **options)).find(f"{SVG}circle")

    rising = dot([40, 57]).get("fill")
    falling = dot([57, 40]).get("fill")
    assert rising != falling
    assert dot([0.6, 0.4], low_is_good=True).get("fill") == rising
    assert dot([0.4, 0.6], low_is_good=True).get("fill") == falling
    assert dot([50, 50]).get("fill") not in (rising, falling)


def test_sparkline_edge_cases():
    empty = parse(render_sparkline([None, math.nan], label="Readiness"))
    assert empty.get("aria-label") == "Readiness: no data yet"
    assert empty.find(f"{SVG}circle") is None
    single = parse(render_sparkline([55], label="Readiness"))
    assert single.get("aria-label") == "Readiness: 55"
    assert single.find(f"{SVG}path") is None
    assert single.find(f"{SVG}circle").get("cx") == "60"
    wide = parse(render_sparkline([1e9, -1e9, math.inf], label="x", width=80, height=20))
    for c in wide.iter(f"{SVG}circle"):
        assert 0 <= float(c.get("cy")) <= 20


def test_the_sparkline_escapes_its_label():
    svg = render_sparkline([1, 2], label=EVIL)
    assert "<script>" not in svg
    root = parse(svg)
    assert root.get("aria-label").startswith(EVIL)
    assert root.find(f"{SVG}title").text.startswith(EVIL)
