"""The stakeholder map of a big group: one circle per faction, as an SVG string.

Pure Python; no Django. Positions come from :func:`scoring.core.map_clusters.cluster_layout`.
Each circle is a ring split by the stances of its people (colour, with the counts in
words in its hover text and its link's name), and a
lightning badge when some of them are in conflict with people of another faction. Under
it, three lines: the faction, its size, its most influential person. Each circle links
to its own map. Every text is escaped; presentation attributes only, never ``style``.
"""

import math
from collections.abc import Mapping
from html import escape

from scoring.core.map_clusters import (
    EVERYONE_ELSE,
    Cluster,
    ClusterLabels,
    ClusterMap,
    PlacedCluster,
)
from workspace.map_style import (
    INK,
    MUTED,
    STANCES,
    MapNode,
    _bolt,
    _clip,
    _n,
    _plural,
    _prefix,
    _safe_href,
    _stance_key,
    _svg_open,
)

_STANCE_ORDER = ("supporter", "neutral", "skeptic", "unknown")
_STANCE_WORDS = {
    "supporter": ("supporter", "supporters"),
    "neutral": ("neutral", "neutral"),
    "skeptic": ("skeptic", "skeptics"),
    "unknown": ("stance unknown", "stance unknown"),
}


def cluster_title(cluster: Cluster) -> str:
    return "Everyone else" if cluster.number == EVERYONE_ELSE else f"Faction {cluster.number}"


def cluster_lines(
    placed: PlacedCluster, people: Mapping[str, MapNode], max_chars: int
) -> list[str]:
    """The three visible lines under a circle."""
    cluster = placed.cluster
    title = cluster_title(cluster)
    size = len(cluster.keys)
    first = people[cluster.keys[0]]
    name = " ".join(str(first.name).split()) or first.key
    return [title, _plural(size, "person", "people"), _clip(name, max_chars)]


def _ring(x: float, y: float, outer: float, inner: float, start: float, end: float) -> str:
    """A ring segment from angle start to end (radians, clockwise from 12 o'clock)."""

    def at(radius: float, angle: float) -> str:
        return f"{_n(x + radius * math.sin(angle))} {_n(y - radius * math.cos(angle))}"

    large = 1 if end - start > math.pi else 0
    return (
        f"M{at(outer, start)}A{_n(outer)} {_n(outer)} 0 {large} 1 {at(outer, end)}"
        f"L{at(inner, end)}A{_n(inner)} {_n(inner)} 0 {large} 0 {at(inner, start)}Z"
    )


def _circle_svg(
    placed: PlacedCluster,
    people: Mapping[str, MapNode],
    *,
    conflicts: int,
    href: str | None,
    lines: list[str],
    labels: ClusterLabels,
    node_id: str,
) -> str:
    cluster = placed.cluster
    x, y, r = placed.x, placed.y, placed.radius
    counts = dict.fromkeys(_STANCE_ORDER, 0)
    for key in cluster.keys:
        counts[_stance_key(people[key].stance)] += 1
    size = len(cluster.keys)
    stances = ", ".join(
        f"{counts[k]} {_STANCE_WORDS[k][0 if counts[k] == 1 else 1]}"
        for k in _STANCE_ORDER
        if counts[k]
    )
    top = [people[k].name or k for k in cluster.keys[:3]]
    facts = f"{stances}; most influential: {', '.join(top)}"
    if cluster.number == EVERYONE_ELSE:
        groups = _plural(cluster.factions, "small faction or person", "small factions or people")
        facts += f"; {groups} on their own"
    if conflicts:
        facts += f"; {_plural(conflicts, 'conflict', 'conflicts')} with other factions"
    parts = []
    link = _safe_href(href)
    if link:
        name = (
            ", ".join(lines)
            + f" (open the map of {'this person' if size == 1 else 'these people'}: {facts})"
        )
        parts.append(f'<a href="{escape(link)}" aria-label="{escape(name)}">')
    parts.append(f'<g class="cluster" id="{node_id}">')
    parts.append(f"<title>{escape(', '.join(lines) + ': ' + facts)}</title>")
    inner = r * 0.58
    angle = 0.0
    shown = [k for k in _STANCE_ORDER if counts[k]]
    for key in shown:
        style = STANCES[key]
        if len(shown) == 1:
            parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n((r + inner) / 2)}" fill="none" '
                f'stroke="{style.fill}" stroke-width="{_n(r - inner)}"/>'
            )
            break
        share = 2 * math.pi * counts[key] / size
        parts.append(
            f'<path d="{_ring(x, y, r, inner, angle, angle + share)}" fill="{style.fill}" '
            f'stroke="#ffffff" stroke-width="1.5"/>'
        )
        angle += share
    parts.append(
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="none" stroke="#6b7280" '
        f'stroke-width="1"/>'
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(inner)}" fill="#ffffff"/>'
    )
    if conflicts:
        offset = r * math.sqrt(0.5)
        parts.append(f'<g class="cluster-conflict">{_bolt(x + offset, y - offset)}</g>')
    sizes = (labels.title_size, labels.text_size, labels.text_size)
    weights = (' font-weight="700"', "", "")
    colours = (INK, INK, MUTED)
    for i, line in enumerate(lines):
        baseline = placed.label_top + labels.line * (i + 0.8)
        parts.append(
            f'<text x="{_n(x)}" y="{_n(baseline)}" text-anchor="middle" '
            f'font-size="{_n(sizes[i])}"{weights[i]} fill="{colours[i]}">{escape(line)}</text>'
        )
        if i < len(lines) - 1:
            parts.append(" ")  # the shown words read "Faction 1 12 people", not run together
    parts.append("</g>")
    if link:
        parts.append("</a>")
    return "".join(parts)


def render_clusters(
    cmap: ClusterMap,
    people: Mapping[str, MapNode],
    *,
    conflicts: Mapping[int, int],
    hrefs: Mapping[int, str | None],
    title: str,
    id_prefix: str = "factions",
) -> str:
    """One ``<svg>``: a circle per cluster of ``cmap`` (``people`` by key; ``conflicts`` and
    ``hrefs`` by cluster number)."""
    prefix = _prefix(id_prefix)
    factions = sum(1 for p in cmap.clusters if p.cluster.number != EVERYONE_ELSE)
    total = sum(len(p.cluster.keys) for p in cmap.clusters)
    desc = (
        f"{_plural(total, 'person', 'people')} in {_plural(factions, 'faction', 'factions')}"
        " of at least three people"
        + (", and everyone else in one more circle" if factions < len(cmap.clusters) else "")
        + ". Each circle is coloured by the stances of its people; open one to see its map."
    )
    linked = any(_safe_href(hrefs.get(p.cluster.number)) for p in cmap.clusters)
    parts = _svg_open(
        prefix, cmap.width, cmap.height, title, desc, role="group" if linked else "img"
    )
    parts.append('<g class="clusters">')
    for index, placed in enumerate(cmap.clusters):
        lines = cluster_lines(placed, people, cmap.labels.max_chars)
        parts.append(
            _circle_svg(
                placed,
                people,
                conflicts=conflicts.get(placed.cluster.number, 0),
                href=hrefs.get(placed.cluster.number),
                lines=lines,
                labels=cmap.labels,
                node_id=f"{prefix}-cluster-{index}",
            )
        )
    parts.append("</g></svg>")
    return "".join(parts)
