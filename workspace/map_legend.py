"""The stakeholder map's legend: node size, stance, relationships and markers, as SVG.
Pure Python; no Django. Every text is ours (constants)."""

import math
from html import escape

from scoring.core.graph import CONFLICT
from scoring.core.layout_sizes import BROKER_RING, node_radius
from workspace.map_edges import _edge_svg
from workspace.map_style import (
    BROKER,
    INK,
    MUTED,
    STANCES,
    MapEdge,
    _glyph,
    _n,
    _no_consent_badge,
    _prefix,
    _svg_open,
)


def render_legend(id_prefix: str = "legend") -> str:
    """A small SVG explaining node size, stance, relationships and the markers."""
    prefix = _prefix(id_prefix)
    width, height = 960.0, 136.0
    parts = _svg_open(
        prefix,
        width,
        height,
        "Map legend",
        "Node size shows influence from 1 to 5; colour and a glyph show stance (tick "
        "supporter, bar neutral, cross skeptic, question mark unknown); a solid arrow "
        "points from a person to their manager, a dashed arrow shows influence, a thin "
        "line collaboration and a red zig-zag with a lightning badge a conflict; a purple "
        "ring marks a broker between factions and a crossed envelope a person who has "
        "not consented to contact.",
    )
    text = f'font-size="11" fill="{INK}"'
    note = f'font-size="10" fill="{MUTED}"'
    heading = f'font-size="10.5" font-weight="700" fill="{MUTED}" letter-spacing="0.06em"'

    # Influence: circles 1..5.
    parts.append(f'<g class="legend-influence"><text x="16" y="20" {heading}>INFLUENCE</text>')
    x = 18.0
    for level in range(1, 6):
        r = node_radius(level)
        x += r
        parts.append(
            f'<circle cx="{_n(x)}" cy="60" r="{_n(r)}" fill="#e5e7eb" stroke="#6b7280" '
            f'stroke-width="1.2"/>'
            f'<text x="{_n(x)}" y="104" text-anchor="middle" {text}>{level}</text>'
        )
        x += r + 5
    parts.append(f'<text x="16" y="124" {note}>low \u2192 high</text></g>')

    # Stance: colour plus glyph.
    parts.append(f'<g class="legend-stance"><text x="252" y="20" {heading}>STANCE</text>')
    for i, key in enumerate(("supporter", "neutral", "skeptic", "unknown")):
        cx, cy = 264.0 + (i % 2) * 104, 48.0 + (i // 2) * 36
        style = STANCES[key]
        parts.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="12" fill="{style.fill}" '
            f'stroke="{style.stroke}" stroke-width="1.5"/>'
            + _glyph(key, cx, cy, 12)
            + f'<text x="{_n(cx + 18)}" y="{_n(cy + 4)}" {text}>{style.label}</text>'
        )
    parts.append("</g>")

    # Relationships: one sample line each.
    parts.append(
        f'<g class="legend-relationships"><text x="486" y="20" {heading}>RELATIONSHIPS</text>'
    )
    samples = (
        ("reports_to", "Reports to (arrow points to the manager)"),
        ("influences", "Influences"),
        ("collaborates", "Collaborates with"),
        (CONFLICT, "In conflict"),
    )
    for i, (kind, label) in enumerate(samples):
        lx, ly = 486.0, 40.0 + i * 21
        edge = MapEdge("a", "b", kind, 3)
        parts.append(_edge_svg(edge, (lx, ly), (lx + 58, ly), 0.0, 0.0, 0.0, label))
        parts.append(f'<text x="{_n(lx + 68)}" y="{_n(ly + 4)}" {text}>{escape(label)}</text>')
    parts.append(
        f'<text x="486" y="128" {note}>Thicker = stronger; grey \u2192 red = more friction '
        f"(when shown)</text></g>"
    )

    # Markers: broker ring and no consent.
    parts.append(f'<g class="legend-markers"><text x="800" y="20" {heading}>MARKERS</text>')
    parts.append(
        f'<circle cx="816" cy="50" r="{_n(11 + BROKER_RING - 1)}" fill="#ffffff" '
        f'stroke="{BROKER}" stroke-width="2.5"/>'
        f'<circle cx="816" cy="50" r="11" fill="#e5e7eb" stroke="#6b7280" stroke-width="1.2"/>'
        f'<text x="840" y="47" {text}>Broker</text>'
        f'<text x="840" y="60" {note}>bridges factions</text>'
    )
    parts.append(
        '<circle cx="816" cy="94" r="11" fill="#e5e7eb" stroke="#6b7280" stroke-width="1.2"/>'
        + _no_consent_badge(816 + 11 * math.sqrt(0.5), 94 - 11 * math.sqrt(0.5))
        + f'<text x="840" y="91" {text}>No consent</text>'
        f'<text x="840" y="104" {note}>do not contact</text></g>'
    )
    parts.append("</svg>")
    return "".join(parts)
