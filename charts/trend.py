"""Readiness and divergence over time as an SVG line chart, with the forecast drawn on.
Pure Python; no Django; see charts.svg for the house rules.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from charts.drawing import (
    DIVERGENCE,
    FAINT,
    GOOD,
    MUTED,
    READINESS,
    ForecastLine,
    TrendPoint,
    _clamp,
    _day,
    _n,
    _number,
    _placeholder,
    _prefix,
    _svg_open,
    _text_width,
)

# -------------------------------------------------------------------------- trend

# The narrow drawing's text size and legend row: 13 units stay 12 px or more in a box as
# narrow as 320 px (a 390 px phone, less the page's and the card's padding).
NARROW_FONT = 13
LEGEND_ROW = 20


@dataclass(frozen=True)
class _Series:
    name: str
    colour: str
    dash: str | None
    hollow: bool
    values: list[float | None]  # 0..100, one per point


def render_trend(
    points: Sequence[TrendPoint],
    *,
    title: str,
    id_prefix: str = "trend",
    width: float = 640,
    height: float = 220,
    forecasts: Sequence[ForecastLine] = (),
    narrow: bool = False,
) -> str:
    """Readiness (0..100) and divergence (x100) over time on one 0..100 axis, and any
    `forecasts` of divergence continuing it as dashed lines.

    `narrow` draws it for a phone (`width` about 340): bigger text, the first and last
    dates only, and the end labels stacked as a legend under the plot instead of in a
    column to its right, so every text stays 11 px or more when the drawing is scaled
    to a 320 px box."""
    prefix = _prefix(id_prefix)
    ordered = sorted(points, key=lambda p: p.at.toordinal())
    forecasts = [f for f in forecasts if f.points]
    readiness = [_number(p.readiness) for p in ordered]
    divergence = [_number(p.divergence) for p in ordered]
    series = [
        _Series(
            "Readiness",
            READINESS,
            None,
            False,
            [None if v is None else _clamp(v, 0, 100) for v in readiness],
        ),
        _Series(
            "Divergence",
            DIVERGENCE,
            "7 4",
            True,
            [None if v is None else _clamp(v, 0, 1) * 100 for v in divergence],
        ),
    ]
    series = [s for s in series if any(v is not None for v in s.values)]
    if not series:
        return _placeholder(
            prefix,
            width,
            height,
            title,
            "trend",
            "Scores appear here after the first analysis",
            "Readiness and divergence are tracked over time.",
        )

    end_text = [
        f"{s.name} {round(next(v for v in reversed(s.values) if v is not None))}" for s in series
    ]
    end_text += [f"{_forecast_word(f)} {_pct(f.points[-1][1])}" for f in forecasts]
    if narrow:
        # The legend, one entry a row, goes under the plot: the plot keeps `height`.
        left, right, top, bottom = 34.0, width - 12, 14.0, height - 34.0
        height += 26 + LEGEND_ROW * len(end_text)
    else:
        gutter = 26 + max(_text_width(t, 12, bold=True) for t in end_text) * 1.08
        left, right, top, bottom = 36.0, width - gutter, 14.0, height - 32.0
    font = NARROW_FONT if narrow else 11
    days = [p.at.toordinal() for p in ordered]
    ahead = [at.toordinal() for f in forecasts for at, _ in f.points]
    first, last = min(days + ahead), max(days + ahead)
    span = last - first

    def x_of(day: int) -> float:
        return (left + right) / 2 if span == 0 else left + (day - first) / span * (right - left)

    def y_of(value: float) -> float:
        return bottom - value / 100 * (bottom - top)

    span_years = ordered[0].at.year != ordered[-1].at.year
    desc = (
        f"Readiness (0 to 100, higher is better) and divergence (shown 0 to 100, lower is "
        f"better) over {len(ordered)} {'analysis' if len(ordered) == 1 else 'analyses'}"
    )
    desc += (
        f" on {_day(ordered[0].at, year=True)}."
        if span == 0
        else f" from {_day(ordered[0].at, year=True)} to {_day(ordered[-1].at, year=True)}."
    )
    for s in series:
        values = [v for v in s.values if v is not None]
        desc += f" {s.name} {round(values[0])}"
        desc += "." if len(values) == 1 else f" then {round(values[-1])}."
    for f in forecasts:
        at, value = f.points[-1]
        desc += f" Forecast, {f.name.lower()}: divergence {_pct(value)} by {_day(at, year=True)}."
    parts = _svg_open(prefix, width, height, title, desc, "trend")

    # Gridlines and the y axis.
    parts.append('<g class="trend-grid">')
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        parts.append(
            f'<path d="M{_n(left)} {_n(y)}H{_n(right)}" '
            f'stroke="{"#d1d5db" if tick == 0 else FAINT}" stroke-width="1"/>'
            f'<text x="{_n(left - 8)}" y="{_n(y + 4)}" text-anchor="end" font-size="{font}" '
            f'fill="{MUTED}">{tick}</text>'
        )
    # X axis: first, middle and last dates (fewer when they would crowd; on a phone the
    # first and last only).
    chosen: list[int] = []
    ticks = [p.at for p in ordered]
    if ahead:
        ticks.append(date.fromordinal(last))
    tick_days = [at.toordinal() for at in ticks]
    candidates = (0, len(ordered) // 2, len(ordered) - 1, len(ticks) - 1)
    for index in (0, len(ticks) - 1) if narrow else candidates:
        x = x_of(tick_days[index])
        if index not in chosen and all(abs(x - x_of(tick_days[i])) >= 56 for i in chosen):
            chosen.append(index)
    for index in chosen:
        x = x_of(tick_days[index])
        at = ticks[index]
        with_year = span_years and index in (0, len(ticks) - 1)
        shown = _day(at, year=with_year)
        text_x = x
        if narrow:  # keep the whole date inside the drawing
            half = _text_width(shown, font) / 2
            text_x = _clamp(x, half + 2, width - half - 2)
        parts.append(
            f'<path d="M{_n(x)} {_n(bottom)}V{_n(bottom + 4)}" stroke="#9ca3af"/>'
            f'<text x="{_n(text_x)}" y="{_n(bottom + 20 if narrow else bottom + 18)}" '
            f'text-anchor="middle" font-size="{font}" fill="{MUTED}">{shown}</text>'
        )
    parts.append("</g>")

    # Lines (broken where a value is missing), then points on top.
    ends: list[tuple[_Series, float, float]] = []
    for s in series:
        css = s.name.lower()
        parts.append(f'<g class="trend-series trend-series--{css}">')
        runs: list[list[tuple[float, float]]] = [[]]
        for day, value in zip(days, s.values, strict=True):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(day), y_of(value)))
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        for run in runs:
            if len(run) >= 2:
                d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in run)
                parts.append(
                    f'<path d="{d}" fill="none" stroke="{s.colour}" stroke-width="2.25" '
                    f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
                )
        for point, day, value in zip(ordered, days, s.values, strict=True):
            if value is None:
                continue
            fill = "#ffffff" if s.hollow else s.colour
            stroke = s.colour if s.hollow else "#ffffff"
            tip = f"{_day(point.at, year=True)}: {s.name.lower()} {round(value)} of 100"
            parts.append(
                f'<circle cx="{_n(x_of(day))}" cy="{_n(y_of(value))}" r="3.5" fill="{fill}" '
                f'stroke="{stroke}" stroke-width="1.75"><title>{escape(tip)}</title></circle>'
            )
        last_value = next(v for v in reversed(s.values) if v is not None)
        ends.append((s, last_value, y_of(last_value)))
        parts.append("</g>")

    # Forecasts: dashed, thinner, no points but the last.
    forecast_ends: list[tuple[str, str, str, float, float]] = []
    for f in forecasts:
        colour = GOOD if f.suggestion else DIVERGENCE
        css = "suggestion" if f.suggestion else "nothing"
        xy = [(x_of(at.toordinal()), y_of(_clamp(v, 0, 1) * 100)) for at, v in f.points]
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in xy)
        at, value = f.points[-1]
        tip = f"{f.name}: divergence {_pct(value)} of 100 by {_day(at, year=True)}"
        parts.append(
            f'<g class="trend-forecast trend-forecast--{css}"><path d="{d}" fill="none" '
            f'stroke="{colour}" stroke-width="1.75" stroke-dasharray="2 4" '
            f'stroke-linecap="round" opacity="0.9"/>'
            f'<circle cx="{_n(xy[-1][0])}" cy="{_n(xy[-1][1])}" r="3" fill="#ffffff" '
            f'stroke="{colour}" stroke-width="1.5"><title>{escape(tip)}</title></circle></g>'
        )
        word = _forecast_word(f)
        forecast_ends.append((f.name, colour, word, _clamp(value, 0, 1) * 100, xy[-1][1]))

    if narrow:
        parts.append(_legend(ends, forecast_ends, left=left, top=bottom + 46))
        parts.append("</svg>")
        return "".join(parts)

    # End labels in a column to the right, pushed apart when they would overlap.
    label_y = [y for _, _, y in ends]
    if len(label_y) == 2 and abs(label_y[0] - label_y[1]) < 15:
        mid = (label_y[0] + label_y[1]) / 2
        order = 1 if label_y[0] >= label_y[1] else -1
        label_y = [mid + 7.5 * order, mid - 7.5 * order]
    parts.append('<g class="trend-labels">')
    for (s, value, _), ly in zip(ends, label_y, strict=True):
        ly = _clamp(ly, top + 4, bottom)
        dash = f' stroke-dasharray="{s.dash.split()[0]} 3"' if s.dash else ""
        parts.append(
            f'<path d="M{_n(right + 6)} {_n(ly)}H{_n(right + 16)}" stroke="{s.colour}" '
            f'stroke-width="2.25"{dash}/>'
            f'<text x="{_n(right + 20)}" y="{_n(ly + 4)}" font-size="12" font-weight="600" '
            f'fill="{s.colour}">{s.name} {round(value)}</text>'
        )
    taken = [_clamp(ly, top + 4, bottom) for ly in label_y]
    for name, colour, label, value, y in forecast_ends:
        ly = _free_spot(_clamp(y, top + 4, bottom), taken, low=top + 4, high=bottom)
        taken.append(ly)
        parts.append(
            f'<path d="M{_n(right + 6)} {_n(ly)}H{_n(right + 16)}" stroke="{colour}" '
            f'stroke-width="1.75" stroke-dasharray="2 3"/>'
            f'<text x="{_n(right + 20)}" y="{_n(ly + 4)}" font-size="11" '
            f'fill="{colour}"><title>{escape(name)}</title>{label} {round(value)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _legend(
    ends: list[tuple[_Series, float, float]],
    forecast_ends: list[tuple[str, str, str, float, float]],
    *,
    left: float,
    top: float,
) -> str:
    """The end labels of a narrow trend, one a row under the plot, each after a short
    stroke in its line's colour and dash: the same words as the wide drawing's column."""
    rows: list[str] = []
    for s, value, _ in ends:
        dash = f' stroke-dasharray="{s.dash.split()[0]} 3"' if s.dash else ""
        y = top + LEGEND_ROW * len(rows)
        rows.append(
            f'<path d="M{_n(left)} {_n(y - 4)}H{_n(left + 18)}" stroke="{s.colour}" '
            f'stroke-width="2.25"{dash}/>'
            f'<text x="{_n(left + 24)}" y="{_n(y)}" font-size="{NARROW_FONT}" '
            f'font-weight="600" fill="{s.colour}">{s.name} {round(value)}</text>'
        )
    for name, colour, label, value, _ in forecast_ends:
        y = top + LEGEND_ROW * len(rows)
        rows.append(
            f'<path d="M{_n(left)} {_n(y - 4)}H{_n(left + 18)}" stroke="{colour}" '
            f'stroke-width="1.75" stroke-dasharray="2 3"/>'
            f'<text x="{_n(left + 24)}" y="{_n(y)}" font-size="{NARROW_FONT}" '
            f'fill="{colour}"><title>{escape(name)}</title>{label} {round(value)}</text>'
        )
    return '<g class="trend-labels">' + "".join(rows) + "</g>"


def _forecast_word(line: ForecastLine) -> str:
    """How a forecast's end label starts: "with suggestion" for a planned send's line."""
    return "with suggestion" if line.suggestion else "forecast"


def _free_spot(y: float, taken: list[float], *, low: float, high: float) -> float:
    """The nearest height to `y` within [low, high] at least 14 px from every `taken` one
    (or `y` itself when there is none): where a forecast's end label goes."""
    for step in range(2 * len(taken) + 1):
        offset = 14 * ((step + 1) // 2) * (1 if step % 2 else -1)
        spot = y + offset
        if low <= spot <= high and all(abs(spot - other) >= 14 for other in taken):
            return spot
    return y


def _pct(value: float) -> int:
    return round(_clamp(value, 0, 1) * 100)
