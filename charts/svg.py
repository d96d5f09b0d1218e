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

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from itertools import pairwise

__all__ = [
    "HeatRow",
    "ThemeCol",
    "TrendPoint",
    "render_heatmap",
    "render_sparkline",
    "render_trend",
]

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK = "#1f2937"
MUTED = "#4b5563"

GRID = "#e5e7eb"
FAINT = "#eaecf0"
EMPTY_CELL = "#f7f8fb"
COMMON = "#312e81"
READINESS = "#0f766e"
DIVERGENCE = "#c2410c"
GOOD = "#0f7a55"
BAD = "#c2410c"
FLAT = "#475569"
SPARK_LINE = "#64748b"

# White to deep indigo (#312e81): one hue, light to dark.
SCALE = (
    (0.0, (0xF5, 0xF6, 0xFF)),
    (0.15, (0xE0, 0xE7, 0xFF)),
    (0.35, (0xA5, 0xB4, 0xFC)),
    (0.6, (0x63, 0x66, 0xF1)),
    (0.8, (0x43, 0x38, 0xCA)),
    (1.0, (0x31, 0x2E, 0x81)),
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class HeatRow:
    key: str
    label: str  # the person's name
    sublabel: str  # their role
    values: Mapping[str, float] = field(default_factory=dict)  # theme slug -> share 0..1
    unaligned: bool = False  # nobody has reached this person yet


@dataclass(frozen=True)
class ThemeCol:
    slug: str
    label: str
    common: bool = False  # a common-ground theme: highlighted


@dataclass(frozen=True)
class TrendPoint:
    at: date
    divergence: float | None  # 0..1
    readiness: int | None  # 0..100


@dataclass(frozen=True)
class ForecastLine:
    """A forecast of divergence (0..1 by date), drawn dashed after the last trend point."""

    name: str
    points: tuple[tuple[date, float], ...]
    suggestion: bool = False  # the top suggestion sent (drawn in the "good" colour)


# ------------------------------------------------------------------------ helpers


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _prefix(id_prefix: str) -> str:
    cleaned = "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in str(id_prefix)
    )
    return cleaned if cleaned[:1].isalpha() else f"c{cleaned}"


def _clean(text: object) -> str:
    return " ".join(str(text).split())


def _clip(text: str, limit: int) -> str:
    text = _clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A rough width for a proportional sans-serif: enough to reserve room."""
    return len(text) * size * (0.6 if bold else 0.56)


def _number(value: object) -> float | None:
    """A finite float, or None for None, NaN, infinities and things that are not numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _share(value: object) -> float:
    """A heatmap cell: 0..1, with anything unreadable counted as nothing heard."""
    number = _number(value)
    if number is None:
        return 1.0 if value == math.inf else 0.0
    return _clamp(number, 0.0, 1.0)


def _percent(share: float) -> str:
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100)}%"


def _mix(value: float) -> tuple[int, int, int]:
    value = _clamp(value, 0.0, 1.0)
    for (low, a), (high, b) in pairwise(SCALE):
        if value <= high:
            t = (value - low) / (high - low)
            r, g, b = (round(p + (q - p) * t) for p, q in zip(a, b, strict=True))
            return r, g, b
    return SCALE[-1][1]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(rgb: tuple[int, int, int]) -> str:
    """White or dark text, whichever reads better on this fill."""
    lum = _luminance(rgb)
    ink = _luminance((0x1F, 0x29, 0x37))
    on_white = 1.05 / (lum + 0.05)
    on_dark = (lum + 0.05) / (ink + 0.05)
    return "#ffffff" if on_white >= on_dark else INK


def _day(at: date, *, year: bool = False) -> str:
    text = f"{at.day} {_MONTHS[at.month - 1]}"
    return f"{text} {at.year}" if year else text


def _svg_open(
    prefix: str, width: float, height: float, title: str, desc: str, kind: str
) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" class="chart chart--{kind}" '
        f'font-family="{escape(FONT)}">',
        f'<title id="{prefix}-title">{escape(_clean(title))}</title>',
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
    ]


def _placeholder(
    prefix: str, width: float, height: float, title: str, kind: str, message: str, hint: str
) -> str:
    parts = _svg_open(prefix, width, height, title, message + ".", kind)
    parts.append(
        f'<rect x="8" y="8" width="{_n(width - 16)}" height="{_n(height - 16)}" rx="10" '
        f'fill="#f9fafb" stroke="#d1d5db" stroke-dasharray="6 5"/>'
    )
    cx, cy = width / 2, height / 2
    room = width - 40
    big = min(15.0, room / (len(message) * 0.64))
    small = min(12.0, room / (len(hint) * 0.6))
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy - 2)}" text-anchor="middle" font-size="{_n(big)}" '
        f'font-weight="600" fill="{INK}">{escape(message)}</text>'
    )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy + 20)}" text-anchor="middle" font-size="{_n(small)}" '
        f'fill="{MUTED}">{escape(hint)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _diamond(x: float, y: float, r: float = 4.0) -> str:
    return (
        f'<path d="M{_n(x)} {_n(y - r)}L{_n(x + r)} {_n(y)}L{_n(x)} {_n(y + r)}L{_n(x - r)} '
        f'{_n(y)}Z" fill="{COMMON}"/>'
    )


def _hatch(prefix: str) -> str:
    return (
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f4f6"/>'
        f'<path d="M0 0V6" stroke="#d1d5db" stroke-width="2.5"/></pattern>'
    )


def _names(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ------------------------------------------------------------------------ heatmap

_CELL_W = 48.0
_CELL_H = 36.0
_GAP = 2.0
_PAD = 16.0
_COL_LABEL = 11.5
_COL_CHARS = 32
_ROW_CHARS = 26
_ANGLE = math.radians(40)
_LEGEND_H = 46.0


def render_heatmap(
    rows: Sequence[HeatRow],
    themes: Sequence[ThemeCol],
    *,
    title: str,
    id_prefix: str = "heat",
) -> str:
    """Members x themes: how much of each member's messages carried each theme."""
    prefix = _prefix(id_prefix)
    people = list({row.key: row for row in reversed(rows)}.values())[::-1]  # first wins
    columns = list({col.slug: col for col in reversed(themes)}.values())[::-1]
    if not people or not columns:
        return _placeholder(
            prefix,
            480,
            180,
            title,
            "heatmap",
            "No touches logged yet",
            "Log what each person has heard to see the themes they share.",
        )

    col_text = [_clip(c.label, _COL_CHARS) for c in columns]
    names = [_clip(r.label, _ROW_CHARS) or _clip(r.key, _ROW_CHARS) for r in people]
    roles = [_clip(r.sublabel, _ROW_CHARS + 4) for r in people]
    label_w = max(
        [_text_width(t, 12, bold=True) for t in names] + [_text_width(t, 11) for t in roles]
    )
    left = _PAD + max(110.0, min(210.0, label_w)) + 12
    text_len = [
        _text_width(t, _COL_LABEL, bold=c.common) for t, c in zip(col_text, columns, strict=True)
    ]
    header = max(56.0, max(text_len) * math.sin(_ANGLE) + 26)
    top = _PAD + header
    grid_w = len(columns) * _CELL_W
    reach = max(
        left + (i + 0.5) * _CELL_W + length * math.cos(_ANGLE) for i, length in enumerate(text_len)
    )
    width = max(480.0, left + grid_w + _PAD, reach + _PAD)
    grid_h = len(people) * _CELL_H
    height = top + grid_h + 14 + _LEGEND_H

    common = [_clean(c.label) for c in columns if c.common]
    missing = [_clean(r.label) or r.key for r in people if r.unaligned]
    desc = (
        f"How much of each person's messages carried each theme: "
        f"{len(people)} {'person' if len(people) == 1 else 'people'} by "
        f"{len(columns)} {'theme' if len(columns) == 1 else 'themes'}, "
        f"from 0% (white) to 100% (deep indigo)."
    )
    if common:
        desc += f" Common ground: {_names(common)}."
    if missing:
        desc += f" Not reached yet: {_names(missing)}."
    parts = _svg_open(prefix, width, height, title, desc, "heatmap")
    parts.append(f"<defs>{_hatch(prefix)}{_gradient(prefix)}</defs>")

    # Column labels, rotated so long theme names fit; common ground bold with a diamond.
    parts.append('<g class="heatmap-columns">')
    for i, (col, text) in enumerate(zip(columns, col_text, strict=True)):
        cx = left + (i + 0.5) * _CELL_W - _GAP / 2
        x, y = cx - 3, top - 14
        weight = ' font-weight="700"' if col.common else ""
        fill = COMMON if col.common else INK
        label = _clean(col.label) + (" (common ground)" if col.common else "")
        parts.append(f'<g class="heatmap-column"><title>{escape(label)}</title>')
        parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" transform="rotate(-40 {_n(x)} {_n(y)})" '
            f'font-size="{_COL_LABEL}" fill="{fill}"{weight}>{escape(text)}</text>'
        )
        if col.common:
            parts.append(_diamond(cx, top - 6, 3.5))
        parts.append("</g>")
    parts.append("</g>")

    # Rows: label on the left, then one cell per theme or a "not reached yet" band.
    parts.append('<g class="heatmap-rows">')
    for r, (row, name, role) in enumerate(zip(people, names, roles, strict=True)):
        y = top + r * _CELL_H
        full_name = _clean(row.label) or row.key
        css = "heatmap-row heatmap-row--unaligned" if row.unaligned else "heatmap-row"
        parts.append(f'<g class="{css}">')
        name_fill = MUTED if row.unaligned else INK
        who = full_name + (f" \u2014 {_clean(row.sublabel)}" if _clean(row.sublabel) else "")
        parts.append(
            f'<g class="heatmap-person"><title>{escape(who)}</title>'
            f'<text x="{_n(left - 12)}" y="{_n(y + 15)}" text-anchor="end" font-size="12" '
            f'font-weight="700" fill="{name_fill}">{escape(name)}</text>'
        )
        if role:
            parts.append(
                f'<text x="{_n(left - 12)}" y="{_n(y + 29)}" text-anchor="end" font-size="11" '
                f'fill="{MUTED}">{escape(role)}</text>'
            )
        parts.append("</g>")
        if row.unaligned:
            band_w = grid_w - _GAP
            parts.append(
                f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(band_w)}" '
                f'height="{_n(_CELL_H - _GAP)}" rx="3" fill="url(#{prefix}-hatch)" '
                f'stroke="#d1d5db"><title>{escape(full_name)}: not reached yet</title></rect>'
            )
            parts.append(
                f'<text x="{_n(left + band_w / 2)}" y="{_n(y + _CELL_H / 2 + 3)}" '
                f'text-anchor="middle" font-size="11.5" font-style="italic" fill="{MUTED}" '
                f'stroke="#f3f4f6" stroke-width="4" stroke-linejoin="round" '
                f'paint-order="stroke">not reached yet</text>'
            )
        else:
            for c, col in enumerate(columns):
                share = _share(row.values.get(col.slug, 0.0))
                x = left + c * _CELL_W
                tip = f"{full_name} heard {_clean(col.label)}: {_percent(share)} of their messages"
                if share <= 0:
                    fill, ink, text = EMPTY_CELL, None, ""
                else:
                    rgb = _mix(share)
                    fill, ink, text = _hex(rgb), _ink_on(rgb), _percent(share)
                parts.append(
                    f'<g class="heatmap-cell"><title>{escape(tip)}</title>'
                    f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(_CELL_W - _GAP)}" '
                    f'height="{_n(_CELL_H - _GAP)}" rx="3" fill="{fill}"'
                    + (' stroke="#eceef3"' if ink is None else "")
                    + "/>"
                )
                if ink:
                    parts.append(
                        f'<text x="{_n(x + (_CELL_W - _GAP) / 2)}" '
                        f'y="{_n(y + (_CELL_H - _GAP) / 2 + 4)}" text-anchor="middle" '
                        f'font-size="11" fill="{ink}">{escape(text)}</text>'
                    )
                parts.append("</g>")
        parts.append("</g>")
    parts.append("</g>")

    parts.append(_heat_legend(prefix, _PAD, top + grid_h + 14, any(c.common for c in columns)))
    parts.append("</svg>")
    return "".join(parts)


def _gradient(prefix: str) -> str:
    stops = "".join(
        f'<stop offset="{_n(at * 100)}%" stop-color="{_hex(rgb)}"/>' for at, rgb in SCALE
    )
    return (
        f'<linearGradient id="{prefix}-scale" x1="0" x2="1" y1="0" y2="0">{stops}</linearGradient>'
    )


def _heat_legend(prefix: str, x: float, y: float, common: bool) -> str:
    text = f'font-size="11" fill="{MUTED}"'
    bar_x, bar_w = x + 108, 120.0
    parts = [
        '<g class="heatmap-legend">',
        f'<text x="{_n(x)}" y="{_n(y + 14)}" {text}>Share of messages</text>',
        f'<rect x="{_n(bar_x)}" y="{_n(y + 4)}" width="{_n(bar_w)}" height="12" rx="2" '
        f'fill="url(#{prefix}-scale)" stroke="#d1d5db" stroke-width="0.75"/>',
    ]
    for at, label in ((0.0, "0%"), (0.5, "50%"), (1.0, "100%")):
        tx = bar_x + at * bar_w
        anchor = "start" if at == 0 else "end" if at == 1 else "middle"
        parts.append(
            f'<path d="M{_n(tx)} {_n(y + 16)}V{_n(y + 20)}" stroke="#9ca3af"/>'
            f'<text x="{_n(tx)}" y="{_n(y + 31)}" text-anchor="{anchor}" font-size="10.5" '
            f'fill="{MUTED}">{label}</text>'
        )
    gx = bar_x + bar_w + 28
    if common:
        parts.append(_diamond(gx + 4, y + 10, 4))
        parts.append(
            f'<text x="{_n(gx + 14)}" y="{_n(y + 14)}" font-size="11" font-weight="700" '
            f'fill="{COMMON}">Common ground</text>'
        )
        gx += 128
    parts.append(
        f'<rect x="{_n(gx)}" y="{_n(y + 3)}" width="22" height="14" rx="2" '
        f'fill="url(#{prefix}-hatch)" stroke="#d1d5db"/>'
        f'<text x="{_n(gx + 30)}" y="{_n(y + 14)}" {text}>Not reached yet</text>'
    )
    parts.append("</g>")
    return "".join(parts)


# -------------------------------------------------------------------------- trend


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
) -> str:
    """Readiness (0..100) and divergence (x100) over time on one 0..100 axis, and any
    `forecasts` of divergence continuing it as dashed lines."""
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
    end_text += [
        f"{'with suggestion' if f.suggestion else 'forecast'} {_pct(f.points[-1][1])}"
        for f in forecasts
    ]
    gutter = 26 + max(_text_width(t, 12, bold=True) for t in end_text) * 1.08
    left, right, top, bottom = 36.0, width - gutter, 14.0, height - 32.0
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
            f'<text x="{_n(left - 8)}" y="{_n(y + 4)}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{tick}</text>'
        )
    # X axis: first, middle and last dates (fewer when they would crowd).
    chosen: list[int] = []
    ticks = [p.at for p in ordered]
    if ahead:
        ticks.append(date.fromordinal(last))
    tick_days = [at.toordinal() for at in ticks]
    for index in (0, len(ordered) // 2, len(ordered) - 1, len(ticks) - 1):
        x = x_of(tick_days[index])
        if index not in chosen and all(abs(x - x_of(tick_days[i])) >= 56 for i in chosen):
            chosen.append(index)
    for index in chosen:
        x = x_of(tick_days[index])
        at = ticks[index]
        with_year = span_years and index in (0, len(ticks) - 1)
        parts.append(
            f'<path d="M{_n(x)} {_n(bottom)}V{_n(bottom + 4)}" stroke="#9ca3af"/>'
            f'<text x="{_n(x)}" y="{_n(bottom + 18)}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{_day(at, year=with_year)}</text>'
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
    forecast_ends: list[tuple[str, str, float, float]] = []
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
        forecast_ends.append((f.name, colour, _clamp(value, 0, 1) * 100, xy[-1][1]))

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
    for name, colour, value, y in forecast_ends:
        ly = _free_spot(_clamp(y, top + 4, bottom), taken, low=top + 4, high=bottom)
        taken.append(ly)
        label = "forecast" if colour == DIVERGENCE else "with suggestion"
        parts.append(
            f'<path d="M{_n(right + 6)} {_n(ly)}H{_n(right + 16)}" stroke="{colour}" '
            f'stroke-width="1.75" stroke-dasharray="2 3"/>'
            f'<text x="{_n(right + 20)}" y="{_n(ly + 4)}" font-size="11" '
            f'fill="{colour}"><title>{escape(name)}</title>{label} {round(value)}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


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
