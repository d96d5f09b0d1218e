"""The members x themes heatmap as an SVG string: each cell the share of that member's
messages that carried the theme. Pure Python; no Django; see charts.svg for the house
rules.
"""

import math
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from charts.drawing import (
    COMMON,
    EMPTY_CELL,
    INK,
    MUTED,
    SCALE,
    HeatRow,
    ThemeCol,
    _clean,
    _clip,
    _diamond,
    _hatch,
    _hex,
    _ink_on,
    _mix,
    _n,
    _names,
    _percent,
    _placeholder,
    _prefix,
    _share,
    _svg_open,
    _text_width,
)

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
    # The legend ends with "Not reached yet", after "Common ground" when there is some.
    legend_end = _PAD + 256 + (128 if any(c.common for c in columns) else 0) + 30
    legend_end += _text_width("Not reached yet", 11)
    width = max(480.0, left + grid_w + _PAD, reach + _PAD, legend_end + _PAD)
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

    # Rows: label on the left, then one cell per theme or a "not reached yet" band. Each
    # row is moved into place once and its cells inherit the text style: a big group's
    # heatmap is hundreds of cells, so each says only what differs (issue 14: light pages).
    cell_w, cell_h = _n(_CELL_W - _GAP), _n(_CELL_H - _GAP)
    text_x = [_n(left + c * _CELL_W + (_CELL_W - _GAP) / 2) for c in range(len(columns))]
    text_y = _n((_CELL_H - _GAP) / 2 + 4)
    # What each cell of a column shares, worked out once per column (escaping a text in
    # pieces is escaping it whole: `escape` replaces character by character).
    col_rects = [
        f'<rect x="{_n(left + c * _CELL_W)}" width="{cell_w}" height="{cell_h}" rx="3"'
        for c in range(len(columns))
    ]
    col_heard = [f" heard {escape(_clean(col.label))}: " for col in columns]
    parts.append('<g class="heatmap-rows">')
    for r, (row, name, role) in enumerate(zip(people, names, roles, strict=True)):
        y = top + r * _CELL_H
        full_name = _clean(row.label) or row.key
        css = "heatmap-row heatmap-row--unaligned" if row.unaligned else "heatmap-row"
        parts.append(
            f'<g class="{css}" transform="translate(0 {_n(y)})" font-size="11" '
            f'text-anchor="middle" fill="{INK}">'
        )
        name_fill = MUTED if row.unaligned else INK
        who = full_name + (f" \u2014 {_clean(row.sublabel)}" if _clean(row.sublabel) else "")
        parts.append(
            f'<g class="heatmap-person" text-anchor="end"><title>{escape(who)}</title>'
            f'<text x="{_n(left - 12)}" y="15" font-size="12" '
            f'font-weight="700" fill="{name_fill}">{escape(name)}</text>'
        )
        if role:
            parts.append(f'<text x="{_n(left - 12)}" y="29" fill="{MUTED}">{escape(role)}</text>')
        parts.append("</g>")
        if row.unaligned:
            band_w = grid_w - _GAP
            parts.append(
                f'<rect x="{_n(left)}" width="{_n(band_w)}" '
                f'height="{cell_h}" rx="3" fill="url(#{prefix}-hatch)" '
                f'stroke="#d1d5db"><title>{escape(full_name)}: not reached yet</title></rect>'
            )
            parts.append(
                f'<text x="{_n(left + band_w / 2)}" y="{_n(_CELL_H / 2 + 3)}" '
                f'font-size="11.5" font-style="italic" fill="{MUTED}" '
                f'stroke="#f3f4f6" stroke-width="4" stroke-linejoin="round" '
                f'paint-order="stroke">not reached yet</text>'
            )
        else:
            who_heard = escape(full_name)
            values = row.values
            for c, col in enumerate(columns):
                share = _share(values.get(col.slug, 0.0))
                percent = escape(_percent(share))
                rect = col_rects[c]
                if share <= 0:
                    body = f'{rect} fill="{EMPTY_CELL}" stroke="#eceef3"/>'
                else:
                    fill, text_fill = _cell_colours(share)
                    body = (
                        f'{rect} fill="{fill}"/>'
                        f'<text x="{text_x[c]}" y="{text_y}"{text_fill}>{percent}</text>'
                    )
                parts.append(
                    f'<g class="heatmap-cell"><title>{who_heard}{col_heard[c]}{percent}</title>'
                    f"{body}</g>"
                )
        parts.append("</g>")
    parts.append("</g>")

    legend_y = top + grid_h + 14
    parts.append(_heat_legend(prefix, _PAD, legend_y, any(c.common for c in columns)))
    parts.append(_heat_legend_compact(prefix, _PAD, legend_y, any(c.common for c in columns)))
    parts.append("</svg>")
    return "".join(parts)


@lru_cache(maxsize=4096)
def _cell_colours(share: float) -> tuple[str, str]:
    """A filled cell's colour and its text's fill attribute ("" for the default ink)."""
    return _colours(_mix(share))


@lru_cache(maxsize=1024)  # a few hundred colours along the scale; hundreds of cells a map
def _colours(rgb: tuple[int, int, int]) -> tuple[str, str]:
    """`_cell_colours` of a cell of colour `rgb`."""
    ink = _ink_on(rgb)
    return _hex(rgb), (f' fill="{ink}"' if ink != INK else "")


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


# The phone's legend: the same keys in two short rows, the scale's middle (50%) under its
# bar between them (everything under 260 units from the left edge,
# so it is read whole in a 278 px box, a 320 px phone's), drawn in the same band as the
# wide one. Hidden unless the page's CSS shows it instead of the wide one: on a phone the
# heatmap is drawn at its own size in a box that scrolls sideways, and the wide legend
# (over 500 units long) would have to be swiped to be read (static/css/app.css).
def _heat_legend_compact(prefix: str, x: float, y: float, common: bool) -> str:
    text = f'font-size="11" fill="{MUTED}"'
    bar_x = x + _text_width("Share of messages", 11) + 10 + _text_width("0%", 10.5, bold=True) + 4
    bar_w = 84.0
    parts = [
        '<g class="heatmap-legend-compact" display="none">',
        f'<text x="{_n(x)}" y="{_n(y + 14)}" {text}>Share of messages</text>',
        f'<text x="{_n(bar_x - 4)}" y="{_n(y + 14)}" text-anchor="end" font-size="10.5" '
        f'fill="{MUTED}">0%</text>',
        f'<rect x="{_n(bar_x)}" y="{_n(y + 4)}" width="{_n(bar_w)}" height="12" rx="2" '
        f'fill="url(#{prefix}-scale)" stroke="#d1d5db" stroke-width="0.75"/>',
        f'<text x="{_n(bar_x + bar_w + 4)}" y="{_n(y + 14)}" font-size="10.5" '
        f'fill="{MUTED}">100%</text>',
        # The middle of the scale, under its tick, as on the wide legend.
        f'<path d="M{_n(bar_x + bar_w / 2)} {_n(y + 16)}V{_n(y + 19)}" stroke="#9ca3af"/>'
        f'<text x="{_n(bar_x + bar_w / 2)}" y="{_n(y + 28)}" text-anchor="middle" '
        f'font-size="10.5" fill="{MUTED}">50%</text>',
    ]
    gx = x
    if common:
        parts.append(_diamond(gx + 4, y + 38, 4))
        parts.append(
            f'<text x="{_n(gx + 14)}" y="{_n(y + 42)}" font-size="11" font-weight="700" '
            f'fill="{COMMON}">Common ground</text>'
        )
        gx += 14 + _text_width("Common ground", 11, bold=True) + 20
    parts.append(
        f'<rect x="{_n(gx)}" y="{_n(y + 31)}" width="22" height="14" rx="2" '
        f'fill="url(#{prefix}-hatch)" stroke="#d1d5db"/>'
        f'<text x="{_n(gx + 30)}" y="{_n(y + 42)}" {text}>Not reached yet</text>'
    )
    parts.append("</g>")
    return "".join(parts)
