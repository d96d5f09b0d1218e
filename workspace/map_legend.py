"""The stakeholder map's legend ("How to read the map"): an HTML list of the map's symbols,
each a small inline SVG glyph drawn exactly as on the map, next to words. Text is HTML,
so it reflows and stays readable on a phone (at 390 px the lists stack); the glyphs are
decoration (``aria-hidden``): the words say everything. Pure Python; no Django. Every
text is ours (constants), escaped all the same.
"""

import math
from html import escape

from scoring.core.graph import CONFLICT
from scoring.core.layout_sizes import BROKER_RING, node_radius
from workspace.map_edges import _edge_svg
from workspace.map_style import (
    BROKER,
    STANCES,
    MapEdge,
    _bolt,
    _glyph,
    _n,
    _no_consent_badge,
    _prefix,
)

_GREY = 'fill="#e5e7eb" stroke="#6b7280" stroke-width="1.2"'


def _svg(width: float, height: float, body: str, *, scale: float = 1.0) -> str:
    return (
        f'<svg class="map-legend__glyph" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        f'focusable="false" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width * scale)}" '
        f'height="{_n(height * scale)}">{body}</svg>'
    )


def _item(glyph: str, words: str, note: str = "") -> str:
    small = f' <span class="muted">{escape(note)}</span>' if note else ""
    return f"<li>{glyph}<span>{escape(words)}{small}</span></li>"


def _group(title: str, items: list[str], note: str = "", *, wide: bool = False) -> str:
    after = f'<p class="small muted">{escape(note)}</p>' if note else ""
    kind = "map-legend__items map-legend__items--wide" if wide else "map-legend__items"
    return (
        f'<div class="map-legend__group"><h3>{escape(title)}</h3>'
        f'<ul class="{kind}">{"".join(items)}</ul>{after}</div>'
    )


def _influence() -> str:
    circles, x = [], 2.0
    for level in range(1, 6):
        r = node_radius(level)
        x += r
        circles.append(f'<circle cx="{_n(x)}" cy="28" r="{_n(r)}" {_GREY}/>')
        x += r + 4
    return _svg(x, 56, "".join(circles), scale=0.6)


def _stance(key: str) -> str:
    style = STANCES[key]
    return _svg(
        28,
        28,
        f'<circle cx="14" cy="14" r="12" fill="{style.fill}" stroke="{style.stroke}" '
        f'stroke-width="1.5"/>' + _glyph(key, 14, 14, 12),
    )


def _relationship(kind: str) -> str:
    edge = MapEdge("a", "b", kind, 3)
    return _svg(60, 20, _edge_svg(edge, (2, 10), (58, 10), 0.0, 0.0, 0.0, ""))


def _broker() -> str:
    return _svg(
        36,
        36,
        f'<circle cx="18" cy="18" r="{_n(11 + BROKER_RING - 1)}" fill="#ffffff" '
        f'stroke="{BROKER}" stroke-width="2.5"/><circle cx="18" cy="18" r="11" {_GREY}/>',
    )


def _no_consent() -> str:
    offset = 11 * math.sqrt(0.5)
    return _svg(
        40,
        40,
        f'<circle cx="16" cy="22" r="11" {_GREY}/>' + _no_consent_badge(16 + offset, 22 - offset),
    )


def _faction() -> str:
    shares = (("supporter", 0.5), ("neutral", 0.25), ("skeptic", 0.25))
    parts, angle = [], 0.0
    for key, share in shares:
        end = angle + 2 * math.pi * share
        large = 1 if share > 0.5 else 0
        a = (20 + 16 * math.sin(angle), 20 - 16 * math.cos(angle))
        b = (20 + 16 * math.sin(end), 20 - 16 * math.cos(end))
        parts.append(
            f'<path d="M{_n(a[0])} {_n(a[1])}A16 16 0 {large} 1 {_n(b[0])} {_n(b[1])}" '
            f'fill="none" stroke="{STANCES[key].fill}" stroke-width="8"/>'
        )
        angle = end
    return _svg(40, 40, "".join(parts))


def render_legend(id_prefix: str = "legend") -> str:
    """The legend as HTML: influence, stance, relationships, markers and faction circles.
    ``id_prefix`` names the block (two legends may share a page)."""
    stances = [_item(_stance(key), STANCES[key].label) for key in STANCES]
    relationships = [
        _item(_relationship("reports_to"), "Reports to", "(the arrow points to the manager)"),
        _item(_relationship("influences"), "Influences"),
        _item(_relationship("collaborates"), "Collaborates with"),
        _item(_relationship(CONFLICT), "In conflict"),
    ]
    markers = [
        _item(_broker(), "Broker", "bridges factions"),
        _item(_no_consent(), "No consent", "do not contact"),
        _item(_faction(), "Faction", "(big groups) coloured by its people's stances"),
        _item(_svg(20, 20, _bolt(10, 10, 1.15)), "Conflict with another faction"),
    ]
    groups = [
        _group("Influence", [_item(_influence(), "1 (small) to 5 (large)")], wide=True),
        _group("Stance", stances),
        _group(
            "Relationships",
            relationships,
            "Thicker means stronger; grey to red means more friction (when shown).",
        ),
        _group("Markers", markers),
    ]
    return f'<div class="map-legend" id="{_prefix(id_prefix)}">{"".join(groups)}</div>'
