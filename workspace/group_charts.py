"""From an analysis (and its snapshots) to the group page's pictures: the stakeholder map
with friction-coloured edges, the members-by-themes heatmap and the trend line. The map
and the heatmap depend on the analysis alone: they are drawn once per version of the group
(`cached_map`, `cached_heatmap`); the trend, which also reads the snapshots, once per
version, set of snapshots and time zone (`cached_trend`). The cached pictures are markup
(`Markup`, as the page's template writes them): the SVG builders escape every text they
are given (tests/workspace/test_stakeholder_map.py, test_charts*), and a page hands the
cached object to its template as it is, without copying a 200 KB map on every view."""

import hashlib
from collections.abc import Callable, Sequence
from urllib.parse import quote

from django.urls import get_script_prefix
from django.utils import timezone
from markupsafe import Markup

from charts.svg import (
    ForecastLine,
    HeatRow,
    ThemeCol,
    TrendPoint,
    render_heatmap,
    render_trend,
)
from scoring.analysis import GroupAnalysis
from scoring.cached import derived
from workspace.map_view import map_svg

MAX_HEATMAP_THEMES = 12
# A bigger group shows its most influential members, as many as the People table lists:
# 500 rows would weigh over 1 MB, 25 rows of 12 themes about 50 KB (issue 14).
MAX_HEATMAP_MEMBERS = 25
# The trend's phone drawing: about the width of its box on a 390 px screen (issue 15).
TREND_NARROW_WIDTH = 340


def friction_both_ways(analysis: GroupAnalysis) -> dict[tuple[str, str], float]:
    friction = {}
    for (a, b), score in analysis.friction.items():
        friction[(a, b)] = score
        friction[(b, a)] = score
    return friction


def friction_map(analysis: GroupAnalysis, *, can_edit: bool = True) -> str:
    """The HTML of the group page's map (its wide and narrow drawings)."""
    return map_svg(analysis.map, can_edit=can_edit, friction=friction_both_ways(analysis))


def heatmap(analysis: GroupAnalysis) -> str:
    totals: dict[str, float] = {}
    for shares in analysis.exposures.values():
        for slug, share in shares.items():
            totals[slug] = totals.get(slug, 0.0) + share
    ordered = sorted(totals, key=lambda slug: (-totals[slug], slug))[:MAX_HEATMAP_THEMES]
    common = {slug for slug, coverage in analysis.common_ground if coverage >= 0.75}
    themes = [ThemeCol(slug=s, label=analysis.theme_name(s), common=s in common) for s in ordered]
    rows = [
        HeatRow(
            key=s.email,
            label=s.name or s.email,
            sublabel=s.role_label,
            values=analysis.exposures.get(s.email, {}),
            unaligned=s.email not in analysis.exposures,
        )
        for s in sorted(
            analysis.map.stakeholders, key=lambda s: (-s.influence, (s.name or s.email).lower())
        )
    ]
    title = f"What each member of {analysis.group.name} has heard"
    if len(rows) > MAX_HEATMAP_MEMBERS:
        title = (
            f"What the {MAX_HEATMAP_MEMBERS} most influential of the {len(rows)} members "
            f"of {analysis.group.name} have heard"
        )
    return render_heatmap(rows[:MAX_HEATMAP_MEMBERS], themes, title=title)


def trend(snapshots, analysis: GroupAnalysis, forecasts: tuple[ForecastLine, ...] = ()) -> str:
    """The HTML of the group page's trend: its wide and its narrow drawing."""
    points = [
        TrendPoint(
            at=timezone.localtime(s.taken_at).date(), divergence=s.divergence, readiness=s.readiness
        )
        for s in sorted(snapshots, key=lambda s: s.taken_at)
    ]
    # The current point is always the current score: a snapshot taken earlier today (the
    # rescore runs a few seconds after a change) must not stand in for it.
    today = timezone.localtime(analysis.as_of).date()
    points = [point for point in points if point.at != today]
    points.append(
        TrendPoint(
            at=today, divergence=analysis.divergence.score, readiness=analysis.readiness.score
        )
    )
    title = f"Readiness and divergence of {analysis.group.name}"
    wide = render_trend(points, title=title, forecasts=forecasts)
    narrow = render_trend(
        points,
        title=title,
        forecasts=forecasts,
        id_prefix="trend-narrow",
        width=TREND_NARROW_WIDTH,
        narrow=True,
    )
    # Drawn twice like the map: CSS shows the one that fits its box (static/css/app.css),
    # the other is display: none, so a screen reader meets one picture.
    return (
        f'<div class="trend"><div class="trend-drawing trend-drawing--wide">{wide}</div>'
        f'<div class="trend-drawing trend-drawing--narrow">{narrow}</div></div>'
    )


def cached_map(analysis: GroupAnalysis, *, can_edit: bool) -> Markup:
    """The friction map, drawn once per version of the group (`scoring.cached`), way of
    linking its people (editors to the edit form, everyone else to the timeline) and
    script prefix its links start with (a site served under several)."""
    variant = "edit" if can_edit else "view"
    return derived(
        analysis,
        f"svg:map:{variant}:{quote(get_script_prefix())}",  # no spaces in a cache key
        lambda: Markup(friction_map(analysis, can_edit=can_edit)),  # noqa: S704 - escaped
    )


def cached_heatmap(analysis: GroupAnalysis) -> Markup:
    """The heatmap, drawn once per version of the group."""
    return derived(analysis, "svg:heatmap", lambda: Markup(heatmap(analysis)))  # noqa: S704


def cached_trend(
    snapshots: Sequence, analysis: GroupAnalysis, forecasts: Callable[[], tuple[ForecastLine, ...]]
) -> Markup:
    """The group page's trend (`forecasts`: the dotted lines of its outlook, which is
    derived from `analysis` too), drawn once per version of the group, set of snapshots
    (a snapshot never changes: its pk names it; the oldest leave the window as weeks
    pass) and time zone (the days of its points are the viewer's)."""
    pks = ",".join(str(s.pk) for s in snapshots)
    digest = hashlib.blake2b(pks.encode(), digest_size=8).hexdigest()
    zone = quote(timezone.get_current_timezone_name())  # no spaces in a cache key
    return derived(
        analysis,
        f"svg:trend:{zone}:{len(snapshots)}:{digest}",
        lambda: Markup(trend(snapshots, analysis, forecasts())),  # noqa: S704 - escaped
    )
