"""Small charts as server-rendered SVG strings: a heatmap, a trend line and a sparkline.

Pure Python, no Django, in the house style of :mod:`workspace.stakeholder_map`: every
piece of text goes through :func:`html.escape`; the markup uses SVG presentation
attributes only (``fill``, ``stroke``, ``font-size``...), never a ``style`` attribute or
element, so it renders under a Content-Security-Policy with ``style-src 'self'``; ids
start with ``id_prefix`` so several charts can share a page; the root is
``role="img"`` named by its ``<title>`` and described by its ``<desc>``. The same input
always gives the same bytes.

* :func:`render_heatmap`: members x themes, each cell the share of that member's
  messages that carried the theme, on a white to deep indigo scale. Common-ground
  themes have a bold label and a diamond; members nobody has reached yet get a hatched
  band instead of cells.
* :func:`render_trend`: readiness (0..100) and divergence (0..1, drawn x100) over time
  on one 0..100 axis, told apart by colour, dash pattern, point shape and end labels.
* :func:`render_sparkline`: a tiny line for a dashboard row, last point emphasised and
  coloured by whether the series got better or worse.

Values outside their range are clamped; NaN and None are skipped.
"""

from collections.abc import Sequence
from html import escape

from charts.drawing import (
    BAD,
    FLAT,
    FONT,
    GOOD,
    SPARK_LINE,
    ForecastLine,
    HeatRow,
    ThemeCol,
    TrendPoint,
    _clean,
    _n,
    _number,
)
from charts.heatmap import render_heatmap
from charts.trend import render_trend

__all__ = [
    "ForecastLine",
    "HeatRow",
    "ThemeCol",
    "TrendPoint",
    "render_heatmap",
    "render_sparkline",
    "render_trend",
]

# ---------------------------------------------------------------------- sparkline


def _figure(value: float) -> str:
    return f"{round(value, 2):g}"


def render_sparkline(
    values: Sequence[float | None],
    *,
    label: str,
    width: float = 120,
    height: float = 28,
    low_is_good: bool = False,
) -> str:
    """A tiny inline line (oldest left); the last point is emphasised and coloured."""
    name = _clean(label)
    numbers = [_number(v) for v in values]
    known = [(i, v) for i, v in enumerate(numbers) if v is not None]
    if not known:
        summary = f"{name}: no data yet"
    elif len(known) == 1:
        summary = f"{name}: {_figure(known[0][1])}"
    else:
        summary = f"{name}: from {_figure(known[0][1])} to {_figure(known[-1][1])}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(summary)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'class="sparkline" font-family="{escape(FONT)}">',
        f"<title>{escape(summary)}</title>",
        f"<desc>{escape(name)}, oldest on the left, latest on the right.</desc>",
    ]
    pad_x, pad_y = 4.0, 4.0
    if not known:
        y = height / 2
        parts.append(
            f'<path d="M{_n(pad_x)} {_n(y)}H{_n(width - pad_x)}" stroke="#d1d5db" '
            f'stroke-width="1.5" stroke-dasharray="3 3"/></svg>'
        )
        return "".join(parts)

    low = min(v for _, v in known)
    high = max(v for _, v in known)
    floor = max(abs(low), abs(high), 1e-9) * 0.2  # small wiggles stay small
    if high - low < floor:
        mid = (high + low) / 2
        low, high = mid - floor / 2, mid + floor / 2
    count = len(numbers)

    def point(i: int, v: float) -> tuple[float, float]:
        x = width / 2 if count == 1 else pad_x + i / (count - 1) * (width - 2 * pad_x)
        y = height - pad_y - (v - low) / (high - low) * (height - 2 * pad_y)
        return x, y

    xy = [point(i, v) for i, v in known]
    if len(xy) >= 2:
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in xy)
        parts.append(
            f'<path d="{d}" fill="none" stroke="{SPARK_LINE}" stroke-width="1.5" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    change = known[-1][1] - known[0][1]
    better = (change < 0) == low_is_good
    colour = FLAT if len(known) < 2 or change == 0 else GOOD if better else BAD
    x, y = xy[-1]
    parts.append(
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.75" fill="{colour}" stroke="#ffffff" '
        f'stroke-width="1"/></svg>'
    )
    return "".join(parts)
