"""The trend of divergence and readiness over time: two distinct lines with end labels, a
tooltip per point, gaps and odd values handled, forecasts dashed with labels that never
overlap, and a narrow drawing that stays readable on a phone."""

import math
import re
from datetime import date, timedelta
from itertools import pairwise

import pytest

from charts.svg import ForecastLine, TrendPoint, render_trend
from tests.charts.chart_samples import ESCAPED, EVIL, SVG, parse, texts, weeks


def circles(root, series):
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"trend-series {series}")
    return list(group.iter(f"{SVG}circle"))


# ------------------------------------------------------------------------ trend


def test_the_trend_draws_two_distinct_lines_with_end_labels():
    root = parse(render_trend(weeks(12), title="Scores over time", id_prefix="t9"))
    assert root.get("aria-labelledby") == "t9-title t9-desc"
    lines = [
        p
        for g in root.iter(f"{SVG}g")
        if (g.get("class") or "").startswith("trend-series")
        for p in g.iter(f"{SVG}path")
    ]
    assert len(lines) == 2
    assert lines[0].get("stroke") != lines[1].get("stroke")
    assert lines[0].get("stroke-dasharray") != lines[1].get("stroke-dasharray")
    shown = texts(root)
    assert "Readiness 52" in shown
    assert "Divergence 37" in shown  # 0.37 drawn on the same 0..100 scale
    assert {"0", "25", "50", "75", "100"} <= set(shown)
    assert {"3 Nov 2025", "19 Jan 2026"} <= set(shown)
    desc = root.find(f"{SVG}desc").text
    assert "12 analyses from 3 Nov 2025 to 19 Jan 2026" in desc


def test_each_point_has_a_tooltip():
    root = parse(render_trend(weeks(3), title="t"))
    readiness = circles(root, "trend-series--readiness")
    divergence = circles(root, "trend-series--divergence")
    assert [c.find(f"{SVG}title").text for c in readiness] == [
        "3 Nov 2025: readiness 30 of 100",
        "10 Nov 2025: readiness 32 of 100",
        "17 Nov 2025: readiness 34 of 100",
    ]
    assert divergence[0].find(f"{SVG}title").text == "3 Nov 2025: divergence 70 of 100"


def test_higher_scores_sit_higher_and_later_dates_further_right():
    points = [
        TrendPoint(date(2025, 11, 17), divergence=0.9, readiness=80),
        TrendPoint(date(2025, 11, 3), divergence=0.1, readiness=20),
    ]
    root = parse(render_trend(points, title="t"))
    early, late = circles(root, "trend-series--readiness")
    assert float(early.get("cx")) < float(late.get("cx"))
    assert float(early.get("cy")) > float(late.get("cy"))  # SVG y grows downwards
    assert early.find(f"{SVG}title").text.startswith("3 Nov")


def test_one_point_shows_dots_only():
    root = parse(render_trend(weeks(1), title="t"))
    assert len(circles(root, "trend-series--readiness")) == 1
    for g in root.iter(f"{SVG}g"):
        if (g.get("class") or "").startswith("trend-series"):
            assert g.find(f"{SVG}path") is None
    assert "3 Nov" in texts(root)


@pytest.mark.parametrize(
    "points",
    [[], [TrendPoint(date(2025, 11, 3), None, None), TrendPoint(date(2025, 11, 10), None, None)]],
    ids=["none", "only-gaps"],
)
def test_no_scores_give_a_placeholder(points):
    root = parse(render_trend(points, title="t"))
    assert "Scores appear here after the first analysis" in texts(root)
    assert root.find(f".//{SVG}circle") is None


def test_out_of_range_values_are_clamped_and_nan_is_skipped():
    points = [
        TrendPoint(date(2025, 11, 3), divergence=1.7, readiness=140),
        TrendPoint(date(2025, 11, 10), divergence=math.nan, readiness=-5),
        TrendPoint(date(2025, 11, 17), divergence=0.4, readiness=None),
    ]
    svg = render_trend(points, title="t")
    root = parse(svg)
    assert "nan" not in svg.lower()
    divergence = circles(root, "trend-series--divergence")
    assert [c.find(f"{SVG}title").text for c in divergence] == [
        "3 Nov 2025: divergence 100 of 100",
        "17 Nov 2025: divergence 40 of 100",
    ]
    readiness = circles(root, "trend-series--readiness")
    assert [c.find(f"{SVG}title").text for c in readiness] == [
        "3 Nov 2025: readiness 100 of 100",
        "10 Nov 2025: readiness 0 of 100",
    ]
    height = float(root.get("height"))
    for c in divergence + readiness:
        assert 0 <= float(c.get("cy")) <= height
    # A missing value breaks the divergence line rather than bridging it.
    group = next(g for g in root.iter(f"{SVG}g") if "trend-series--divergence" in g.get("class"))
    assert group.find(f"{SVG}path") is None
    assert "Readiness 0" in texts(root)


def test_the_trend_escapes_its_title():
    svg = render_trend(weeks(2), title=EVIL)
    assert "<script>" not in svg
    assert parse(svg).find(f"{SVG}title").text == EVIL


def test_forecasts_continue_the_trend_dashed_with_labels_that_never_overlap():

    history = weeks(4)
    start = history[-1].at
    days = [start + timedelta(weeks=w) for w in range(13)]
    same = tuple((d, 0.5) for d in days)  # both end exactly where the series end
    lines = [ForecastLine("If nothing is sent", same), ForecastLine("With it", same, True)]
    svg = render_trend(history, title="t", forecasts=lines)
    root = parse(svg)
    groups = [
        g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("trend-forecast")
    ]
    assert [g.get("class").split("--")[1] for g in groups] == ["nothing", "suggestion"]
    labels = [t for t in root.iter(f"{SVG}text") if "forecast" in "".join(t.itertext())]
    labels += [t for t in root.iter(f"{SVG}text") if "with suggestion" in "".join(t.itertext())]
    ys = sorted(
        float(t.get("y"))
        for t in root.iter(f"{SVG}text")
        if t.get("font-size") in ("11", "12") and float(t.get("x")) > 500
    )
    assert all(b - a >= 14 for a, b in pairwise(ys))
    assert len(labels) == 2
    assert "Forecast, if nothing is sent: divergence 50" in svg


# -------------------------------------------------------------- trend on a phone

PHONE_BOX = 320  # the trend's box on a 390 px screen, less the page's and card's padding


def _with_forecasts():

    history = weeks(12)
    days = [history[-1].at + timedelta(weeks=w) for w in range(9)]
    return history, [
        ForecastLine("If nothing is sent", tuple((d, 0.30) for d in days)),
        ForecastLine("With it", tuple((d, 0.21) for d in days), True),
    ]


def test_the_narrow_trend_keeps_every_text_at_11px_or_more_on_a_phone():
    history, lines = _with_forecasts()
    svg = render_trend(history, title="t", forecasts=lines, width=340, narrow=True)
    root = parse(svg)
    view_width = float(root.get("viewBox").split()[2])
    assert view_width == 340
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert len(sizes) >= 11
    assert min(sizes) * PHONE_BOX / view_width >= 11  # 13 units x 320/340 = 12.2 px
    # The wide drawing at the same box would be about 5.5 px: why there are two.
    wide = parse(render_trend(history, title="t", forecasts=lines))
    wide_sizes = [float(t.get("font-size")) for t in wide.iter(f"{SVG}text")]
    assert min(wide_sizes) * PHONE_BOX / float(wide.get("viewBox").split()[2]) < 6
    # Every text fits inside the drawing (dates clamped at the edges, legend under the plot).
    height = float(root.get("viewBox").split()[3])
    for t in root.iter(f"{SVG}text"):
        shown = "".join(t.itertext())
        x, y = float(t.get("x")), float(t.get("y"))
        assert 0 <= y <= height, shown
        half = len(shown) * 13 * 0.56 / 2 if t.get("text-anchor") == "middle" else 0
        assert x - half >= 0 and x + half <= view_width, shown


def test_the_narrow_and_wide_trends_show_the_same_series_and_labels():
    history, lines = _with_forecasts()
    wide = parse(render_trend(history, title="t", forecasts=lines))
    narrow = parse(
        render_trend(history, title="t", forecasts=lines, id_prefix="n", width=340, narrow=True)
    )

    def groups(root):
        return [g.get("class") for g in root.iter(f"{SVG}g")]

    def labels(root):
        group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "trend-labels")
        return sorted(
            "".join(t.itertext()).replace("If nothing is sent", "").replace("With it", "")
            for t in group.iter(f"{SVG}text")
        )

    assert groups(narrow) == groups(wide)
    assert labels(narrow) == labels(wide)
    assert labels(wide) == ["Divergence 37", "Readiness 52", "forecast 30", "with suggestion 21"]
    assert len(circles(narrow, "trend-series--readiness")) == 12
    assert narrow.find(f"{SVG}desc").text == wide.find(f"{SVG}desc").text
    assert {"0", "25", "50", "75", "100"} <= set(texts(narrow))
    # Fewer dates under the plot: the first and the last only.
    dates = [s for s in texts(narrow) if re.search(r"[A-Z][a-z]{2}", s) and s[0].isdigit()]
    assert dates == ["3 Nov 2025", "16 Mar 2026"]
    assert narrow.get("aria-labelledby") == "n-title n-desc"


def test_the_narrow_trend_escapes_its_title_and_forecast_names():

    day = date(2025, 11, 3)
    evil = [ForecastLine(EVIL, ((day, 0.2), (day + timedelta(weeks=4), 0.3)))]
    svg = render_trend(weeks(3), title=EVIL, forecasts=evil, narrow=True, width=340)
    assert "<script>" not in svg
    assert ESCAPED in svg
    parse(svg)
