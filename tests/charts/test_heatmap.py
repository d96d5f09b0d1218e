"""The heatmap of who heard which theme: named and summarised, a share per cell, darker for
more, unaligned people banded, common ground marked, escaped, and friendly when empty."""

import math

import pytest

from charts.svg import HeatRow, ThemeCol, render_heatmap
from tests.charts.chart_samples import ESCAPED, EVIL, SVG, parse, rows, texts, themes


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
    assert "50%" in shown  # the scale's middle, as on the wide legend
    # Every text ends within 270 units of the left edge (at 0.6 em a letter, generous):
    # read whole in the heatmap's box on a 320 px phone (about 278 px), drawn 1:1.
    for text in compact.iter(f"{SVG}text"):
        anchor = text.get("text-anchor", "start")
        start = float(text.get("x")) - (len(text.text) * 6.6 if anchor == "end" else 0)
        end = start + (0 if anchor == "end" else len(text.text) * 6.6)
        assert start >= 0 and end <= 270, text.text
    rows_at = {float(t.get("y")) for t in compact.iter(f"{SVG}text")}
    assert len(rows_at) == 3  # the scale, its middle under it, then the markers
    # It sits in the wide legend's band: the drawing is as tall as before.
    assert max(rows_at) + 4 <= float(root.get("height"))


def test_without_common_ground_neither_legend_mentions_it():
    plain = [ThemeCol(c.slug, c.label) for c in themes()]
    root = parse(render_heatmap(rows(), plain, title="t"))
    for name in ("heatmap-legend", "heatmap-legend-compact"):
        assert "Common ground" not in texts(legend_of(root, name))
        assert "Not reached yet" in texts(legend_of(root, name))
