"""Every small SVG chart (heatmap, trend, sparkline, empty or not): valid, accessible,
CSP-safe, in the system font, and the same bytes for the same input."""

import re

import pytest

from charts.svg import render_heatmap, render_sparkline, render_trend
from tests.charts.chart_samples import SVG, parse, rows, themes, weeks


def every_chart():
    return {
        "heatmap": render_heatmap(rows(), themes(), title="Who heard what"),
        "heatmap-empty": render_heatmap([], themes(), title="Who heard what"),
        "trend": render_trend(weeks(12), title="Scores over time"),
        "trend-one": render_trend(weeks(1), title="Scores over time"),
        "trend-empty": render_trend([], title="Scores over time"),
        "sparkline": render_sparkline([40, None, 45, 57], label="Readiness"),
        "sparkline-empty": render_sparkline([], label="Readiness"),
    }


# -------------------------------------------------------------------- all charts


@pytest.mark.parametrize("name", list(every_chart()))
def test_every_chart_is_csp_safe_accessible_svg(name):
    svg = every_chart()[name]
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert not re.search(r"\sstyle\s*=", svg)
    assert "<style" not in svg
    for element in root.iter():
        assert "style" not in element.attrib
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    assert "system-ui" in root.get("font-family")


def test_the_same_input_gives_the_same_bytes():
    assert every_chart() == every_chart()
