"""The small SVG charts: valid, accessible, escaped, CSP-safe, and they say what they show."""

import math
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import pairwise

import pytest

from charts.svg import (
    HeatRow,
    ThemeCol,
    TrendPoint,
    render_heatmap,
    render_sparkline,
    render_trend,
)

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & Co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def themes():
    return [
        ThemeCol("downtime", "Cost of downtime", common=True),
        ThemeCol("security", "Security & compliance risk"),
        ThemeCol("integration", "Integration with existing stack"),
        ThemeCol("tco", "Total cost of ownership", common=True),
    ]


def rows():
    return [
        HeatRow("dana", "Dana Ross", "CFO", {"downtime": 0.42, "security": 0.58}),
        HeatRow("li", "Li Wei", "CISO", {"security": 0.9, "integration": 0.1}),
        HeatRow("sam", "Sam Ito", "End User", {}, unaligned=True),
    ]


def weeks(count, start=date(2025, 11, 3)):
    return [
        TrendPoint(start + timedelta(weeks=i), divergence=0.7 - i * 0.03, readiness=30 + i * 2)
        for i in range(count)
    ]


def cell_titles(root):
    return [
        g.find(f"{SVG}title").text
        for g in root.iter(f"{SVG}g")
        if "heatmap-cell" in g.get("class", "").split()
    ]


def cell(root, tip_start):
    return next(
        g
        for g in root.iter(f"{SVG}g")
        if "heatmap-cell" in g.get("class", "").split()
        and g.find(f"{SVG}title").text.startswith(tip_start)
    )


def texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def circles(root, series):
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"trend-series {series}")
    return list(group.iter(f"{SVG}circle"))


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


# ---------------------------------------------------------------------- heatmap


def test_the_heatmap_is_named_by_its_title_and_summary_with_prefixed_ids():
    root = parse(render_heatmap(rows(), themes(), title="Who heard what", id_prefix="g7"))
    assert root.get("aria-labelledby") == "g7-title g7-desc"
    assert root.find(f"{SVG}title").text == "Who heard what"
    desc = root.find(f"{SVG}desc").text
    assert "3 people by 4 themes" in desc
    assert "Common ground: Cost of downtime and Total cost of ownership." in desc
    assert "Not reached yet: Sam Ito." in desc
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids and all(i.startswith("g7-") for i in ids)


def test_each_cell_says_who_heard_what_share():
    root = parse(render_heatmap(rows(), themes(), title="t"))
    tips = cell_titles(root)
    assert "Dana Ross heard Cost of downtime: 42%" in tips
    assert "Li Wei heard Security & compliance risk: 90%" in tips
    assert "Dana Ross heard Total cost of ownership: 0%" in tips
    assert len(tips) == 2 * 4  # the unaligned person has a band, not cells
    assert "42%" in texts(cell(root, "Dana Ross heard Cost of downtime"))


def test_darker_cells_mean_more_and_dark_cells_get_white_text():
    root = parse(render_heatmap(rows(), themes(), title="t"))

    def fill(tip):
        return cell(root, tip).find(f"{SVG}rect").get("fill")

    def brightness(colour):
        return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    none = fill("Dana Ross heard Total cost of ownership")
    low = fill("Li Wei heard Integration")
    mid = fill("Dana Ross heard Cost of downtime")
    high = fill("Li Wei heard Security")
    assert brightness(none) > brightness(low) > brightness(mid) > brightness(high)
    assert brightness(none) > 720  # an empty cell is very light
    assert cell(root, "Li Wei heard Security").find(f"{SVG}text").get("fill") == "#ffffff"
    assert cell(root, "Li Wei heard Integration").find(f"{SVG}text").get("fill") != "#ffffff"
    assert cell(root, "Dana Ross heard Total cost").find(f"{SVG}text") is None


def test_unaligned_people_get_a_not_reached_yet_band():
    root = parse(render_heatmap(rows(), themes(), title="t"))
    row = next(g for g in root.iter(f"{SVG}g") if "heatmap-row--unaligned" in g.get("class", ""))
    assert "Sam Ito" in texts(row)
    assert "not reached yet" in texts(row)
    band = row.find(f"{SVG}rect")
    assert band.get("fill") == "url(#heat-hatch)"
    assert band.find(f"{SVG}title").text == "Sam Ito: not reached yet"


def test_common_ground_themes_are_bold_with_a_marker():
    root = parse(render_heatmap(rows(), themes(), title="t"))
    columns = [g for g in root.iter(f"{SVG}g") if g.get("class") == "heatmap-column"]
    assert len(columns) == 4
    by_label = {c.find(f"{SVG}title").text: c for c in columns}
    common = by_label["Cost of downtime (common ground)"]
    plain = by_label["Security & compliance risk"]
    assert common.find(f"{SVG}text").get("font-weight") == "700"
    assert common.find(f"{SVG}path") is not None
    assert plain.find(f"{SVG}text").get("font-weight") is None
    assert plain.find(f"{SVG}path") is None
    assert "rotate(-40" in plain.find(f"{SVG}text").get("transform")


def test_the_heatmap_has_a_legend_from_0_to_100_percent():
    root = parse(render_heatmap(rows(), themes(), title="t"))
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "heatmap-legend")
    labels = texts(legend)
    assert {"0%", "50%", "100%", "Common ground", "Not reached yet"} <= set(labels)


def legend_of(root, name):
    return next(g for g in root.iter(f"{SVG}g") if g.get("class") == name)


def test_the_phones_legend_says_the_same_in_two_rows_that_fit_a_small_phone():
    root = parse(render_heatmap(rows(), themes(), title="t"))
    compact = legend_of(root, "heatmap-legend-compact")
    # Hidden unless the page's CSS swaps it for the wide one (on a phone only).
    assert compact.get("display") == "none"
    assert legend_of(root, "heatmap-legend").get("display") is None
    shown = texts(compact)
    assert {"Share of messages", "0%", "100%", "Common ground", "Not reached yet"} <= set(shown)
    # Every text ends within 270 units of the left edge (at 0.6 em a letter, generous):
    # read whole in the heatmap's box on a 320 px phone (about 278 px), drawn 1:1.
    for text in compact.iter(f"{SVG}text"):
        anchor = text.get("text-anchor", "start")
        start = float(text.get("x")) - (len(text.text) * 6.6 if anchor == "end" else 0)
        end = start + (0 if anchor == "end" else len(text.text) * 6.6)
        assert start >= 0 and end <= 270, text.text
    rows_at = {float(t.get("y")) for t in compact.iter(f"{SVG}text")}
    assert len(rows_at) == 2
    # It sits in the wide legend's band: the drawing is as tall as before.
    assert max(rows_at) + 4 <= float(root.get("height"))


def test_without_common_ground_neither_legend_mentions_it():
    plain = [ThemeCol(c.slug, c.label) for c in themes()]
    root = parse(render_heatmap(rows(), plain, title="t"))
    for name in ("heatmap-legend", "heatmap-legend-compact"):
        assert "Common ground" not in texts(legend_of(root, name))
        assert "Not reached yet" in texts(legend_of(root, name))


def test_the_heatmap_grows_with_the_number_of_themes():
    few = parse(render_heatmap(rows(), themes()[:2], title="t"))
    many_themes = [ThemeCol(f"t{i}", f"Theme {i}") for i in range(20)]
    many = parse(render_heatmap(rows(), many_themes, title="t"))
    assert 480 <= float(few.get("width")) <= 560  # the minimum, or what its legend needs
    assert float(many.get("width")) >= 20 * 48


def test_out_of_range_and_nan_shares_do_not_break_the_heatmap():
    odd = [
        HeatRow("a", "Ann", "CFO", {"downtime": 1.7, "security": math.nan, "tco": -0.3}),
        HeatRow("b", "Bo", "CTO", {"downtime": math.inf, "integration": 0.001}),
    ]
    root = parse(render_heatmap(odd, themes(), title="t"))
    tips = cell_titles(root)
    assert "Ann heard Cost of downtime: 100%" in tips
    assert "Ann heard Security & compliance risk: 0%" in tips
    assert "Ann heard Total cost of ownership: 0%" in tips
    assert "Bo heard Cost of downtime: 100%" in tips
    assert "Bo heard Integration with existing stack: <1%" in tips
    assert "nan" not in " ".join(tips).lower()


def test_the_heatmap_escapes_every_text():
    evil_rows = [HeatRow("x", EVIL, EVIL, {"e": 0.5})]
    svg = render_heatmap(evil_rows, [ThemeCol("e", EVIL, common=True)], title=f"Map {EVIL}")
    assert "<script>" not in svg
    assert ESCAPED in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == f"Map {EVIL}"
    assert cell_titles(root) == [f"{EVIL} heard {EVIL}: 50%"]


@pytest.mark.parametrize(
    ("people", "columns"), [([], themes()), (rows(), []), ([], [])], ids=["rows", "cols", "both"]
)
def test_an_empty_heatmap_is_a_friendly_placeholder(people, columns):
    root = parse(render_heatmap(people, columns, title="Who heard what"))
    assert "No touches logged yet" in texts(root)
    assert cell_titles(root) == []


def test_long_labels_are_cut_but_kept_whole_in_the_hover_text():
    long_name = "Bartholomew Alexander Montgomery-Smythe"
    people = [HeatRow("b", long_name, "VP", {"tco": 0.2})]
    root = parse(render_heatmap(people, themes(), title="t"))
    shown = texts(root)
    assert long_name not in shown
    assert any(t.endswith("\u2026") for t in shown)
    assert f"{long_name} heard Total cost of ownership: 20%" in cell_titles(root)


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


# -------------------------------------------------------------------- sparkline


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


def test_forecasts_continue_the_trend_dashed_with_labels_that_never_overlap():
    from charts.svg import ForecastLine

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
    from charts.svg import ForecastLine

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
    from charts.svg import ForecastLine

    day = date(2025, 11, 3)
    evil = [ForecastLine(EVIL, ((day, 0.2), (day + timedelta(weeks=4), 0.3)))]
    svg = render_trend(weeks(3), title=EVIL, forecasts=evil, narrow=True, width=340)
    assert "<script>" not in svg
    assert ESCAPED in svg
    parse(svg)
