"""The stakeholder map as a server-rendered SVG string.

Pure Python (plus numpy, to route edges around nodes); no Django. Every piece of text
is escaped with :func:`html.escape`, and the markup uses SVG presentation attributes
only (``fill``, ``stroke``, ``font-size``...), never a ``style`` attribute or element,
so it renders under a Content-Security-Policy with ``style-src 'self'``. Ids start with
``id_prefix`` so two maps can share a page. Positions come from
:func:`scoring.core.layout.layout`.

What the picture says:

* Node size: influence 1..5. Stance: a fill colour and a glyph inside, so colour is
  never the only cue: supporter green with a tick, neutral slate with a bar, skeptic
  orange with a cross, unknown light grey (dark outline) with a question mark. Fills and
  glyphs have a contrast of at least 5:1.
* A purple outline ring: a broker between factions. A crossed-envelope badge and
  "(no consent)" in the hover text: no consent to be contacted.
* Two label lines under each node (name, role), cut with an ellipsis when long; the
  full text is in the node's ``<title>`` (hover) and the link's ``aria-label``.
* Edges, drawn under the nodes: reports_to a solid line with an arrow to the manager,
  influences a dashed line with an arrow, collaborates a thin plain line, conflicts_with
  a red zig-zag with a lightning badge in the middle. Arrowheads stop at the target's
  border. The stroke widens with strength. With ``friction`` (0..1) an edge is coloured
  from neutral grey through amber to red instead; conflicts keep their zig-zag and
  badge. Several edges between the same two people fan out; an edge that would run
  through another node or a label bends around it where it can.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from html import escape

import numpy as np

from scoring.core.graph import CONFLICT, GraphInsights, Person, Tie
from scoring.core.layout_sizes import (
    BADGE_RADIUS,
    BROKER_RING,
    MARGIN,
    LabelStyle,
    label_style,
    node_radius,
)
from scoring.core.map_labels import CAPTION, PlacedLabel, map_plan
from workspace.map_edges import _choose_bend, _control, _edge_svg, _Obstacles
from workspace.map_style import (
    _KIND_ORDER,
    _KIND_TEXT,
    BROKER,
    INK,
    MUTED,
    MapEdge,
    MapNode,
    _glyph,
    _n,
    _no_consent_badge,
    _plural,
    _prefix,
    _safe_href,
    _stance,
    _stance_key,
    _svg_open,
)

# ------------------------------------------------------------------------- nodes

HIT = 48.0  # the smallest tap target around a linked node, in drawing units
# Nodes whose centres are at most this far below the first node of a row are read as part
# of that row (the layout does not put a row's people at exactly one height).
ROW = 12.0


def _node_svg(
    node: MapNode,
    x: float,
    y: float,
    *,
    broker: bool,
    isolated: bool,
    node_id: str,
    labels: LabelStyle,
    label: PlacedLabel,
) -> str:
    style = _stance(node.stance)
    radius = node_radius(node.influence)
    level = min(5, max(1, int(node.influence)))
    name = " ".join(str(node.name).split()) or node.key
    role = " ".join(str(node.role_label).split())
    facts = [f"influence {level}/5", style.label.lower()]
    if broker:
        facts.append("broker between factions")
    if isolated:
        facts.append("no relationships yet")
    hover = f"{name}" + (f" \u2014 {role}" if role else "") + f" ({', '.join(facts)})"
    if not node.consent:
        hover += " (no consent)"
    stance_class = _stance_key(node.stance)
    parts = []
    href = _safe_href(node.href)
    if href:
        # The link's name starts with the words it shows (WCAG 2.5.3, label in name),
        # then the full name when the drawing had to shorten it, then the facts.
        shown_name, shown_role = label.name, label.role
        text = shown_name + (f", {shown_role}" if shown_role else "")
        if shown_name != name or shown_role != role:
            text += f": {name}" + (f", {role}" if role else "")
        text += f" ({', '.join(facts)}{', no consent' if not node.consent else ''})"
        parts.append(f'<a href="{escape(href)}" aria-label="{escape(text)}">')
    parts.append(
        f'<g class="node node--{stance_class}{" node--broker" if broker else ""}'
        f'{" node--no-consent" if not node.consent else ""}" id="{node_id}">'
    )
    parts.append(f"<title>{escape(hover)}</title>")
    if href:  # a tap target of at least HIT x HIT around the node, invisible
        half = max(HIT / 2, radius + (BROKER_RING if broker else 0.0))
        parts.append(
            f'<rect class="hit" x="{_n(x - half)}" y="{_n(y - half)}" width="{_n(2 * half)}" '
            f'height="{_n(2 * half)}" fill="#ffffff" fill-opacity="0"/>'
        )
        # The label is part of the target too, and so is any gap between it and the node.
        left, top, right, bottom = label.box
        if min(bottom, y + half) > max(top, y - half):  # beside the node
            left, right = min(left, x + half), max(right, x - half)
        elif min(right, x + half) > max(left, x - half):  # above or below it
            top, bottom = min(top, y + half), max(bottom, y - half)
        parts.append(
            f'<rect class="hit" x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
            f'height="{_n(bottom - top)}" fill="#ffffff" fill-opacity="0"/>'
        )
    if broker:
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius + BROKER_RING - 1)}" '
            f'fill="#ffffff" stroke="{BROKER}" stroke-width="2.5"/>'
        )
    parts.append(
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{style.fill}" '
        f'stroke="{style.stroke}" stroke-width="1.5"/>'
    )
    parts.append(_glyph(node.stance, x, y, radius))
    if not node.consent:
        offset = radius * math.sqrt(0.5)
        parts.append(_no_consent_badge(x + offset, y - offset))
    halo = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    anchor = f'x="{_n(label.x)}" text-anchor="{label.anchor}"'
    parts.append(
        f'<text {anchor} y="{_n(label.top + labels.name_size * 0.95)}" '
        f'font-size="{_n(labels.name_size)}" font-weight="600" fill="{INK}" {halo}>'
        f"{escape(label.name)}</text>"
    )
    if label.role:
        parts.append(" ")  # the shown words read "name role", not "namerole"
        parts.append(
            f'<text {anchor} y="{_n(label.top + labels.height - 3)}" '
            f'font-size="{_n(labels.role_size)}" fill="{MUTED}" {halo}>'
            f"{escape(label.role)}</text>"
        )
    parts.append("</g>")
    if href:
        parts.append("</a>")
    return "".join(parts)


# ------------------------------------------------------------------------ public


def _placeholder(prefix: str, width: float, height: float, title: str) -> str:
    parts = _svg_open(prefix, width, height, title, "No people in this buying group yet.")
    cx, cy = width / 2, height / 2
    parts.append(
        f'<rect x="{_n(MARGIN)}" y="{_n(MARGIN)}" width="{_n(width - 2 * MARGIN)}" '
        f'height="{_n(height - 2 * MARGIN)}" rx="12" fill="#f9fafb" stroke="#d1d5db" '
        f'stroke-dasharray="6 5"/>'
    )
    for dx, dy in ((-34, 10), (0, -16), (34, 10)):
        parts.append(
            f'<circle cx="{_n(cx + dx)}" cy="{_n(cy - 40 + dy)}" r="13" fill="#e5e7eb" '
            f'stroke="#9ca3af" stroke-width="1.5"/>'
        )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy + 8)}" text-anchor="middle" font-size="18" '
        f'font-weight="600" fill="{INK}">No people yet</text>'
    )
    parts.append(
        f'<text x="{_n(cx)}" y="{_n(cy + 32)}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">Add the people in this buying group to see how they connect.</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _summary(people: int, relationships: int, factions: int, conflicts: int, alone: int) -> str:
    text = (
        f"{_plural(people, 'person', 'people')}, "
        f"{_plural(relationships, 'relationship', 'relationships')}, "
        f"{_plural(factions, 'faction', 'factions')} and "
        f"{_plural(conflicts, 'conflict', 'conflicts')}"
    )
    if alone:
        text += f"; {_plural(alone, 'person has', 'people have')} no relationships yet"
    return text + "."


def _dedupe(nodes: Iterable[MapNode]) -> dict[str, MapNode]:
    chosen: dict[str, MapNode] = {}
    for node in nodes:
        current = chosen.get(node.key)
        if current is None or (node.influence, node.name) > (current.influence, current.name):
            chosen[node.key] = node
    return {key: chosen[key] for key in sorted(chosen)}


def reading_order(positions: Mapping[str, tuple[float, float]]) -> list[str]:
    """The keys top to bottom, row by row (a row: the nodes within ROW below its first
    one), each row left to right."""
    rows: list[list[str]] = []
    top = -math.inf
    for key in sorted(positions, key=lambda k: (positions[k][1], positions[k][0], k)):
        if positions[key][1] - top > ROW:
            rows.append([])
            top = positions[key][1]
        rows[-1].append(key)
    return [key for row in rows for key in sorted(row, key=lambda k: (positions[k][0], k))]


def render_map(
    nodes: Sequence[MapNode],
    edges: Sequence[MapEdge],
    *,
    insights: GraphInsights,
    title: str,
    width: float = 960,
    height: float = 600,
    id_prefix: str = "map",
    labels: LabelStyle | None = None,
    crop: bool = False,
) -> str:
    """The stakeholder map as one ``<svg>`` element (a string, every text escaped).

    ``labels``: the label style (default: by group size); the layout keeps room for it.
    ``crop``: the view box keeps only the rows of the canvas that something is drawn on
    (the layout does not always fill a tall canvas)."""
    prefix = _prefix(id_prefix)
    people = _dedupe(nodes)
    if not people:
        return _placeholder(prefix, width, height, title)
    drawn = sorted(
        {
            (e.source, e.target, e.kind): e
            for e in sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.strength))
            if e.source in people
            and e.target in people
            and e.source != e.target
            and e.kind in _KIND_ORDER
        }.values(),
        key=lambda e: (_KIND_ORDER[e.kind], e.source, e.target),
    )
    labels = labels or label_style(len(people))
    plan = map_plan(
        [Person(n.key, n.influence, n.role_label, n.stance) for n in people.values()],
        [Tie(e.source, e.target, e.kind, e.strength) for e in drawn],
        insights,
        {k: n.name for k, n in people.items()},
        width=width,
        height=height,
        labels=labels,
    )
    positions, height = plan.positions, plan.height
    brokers = set(insights.brokers) & people.keys()
    isolated = set(insights.isolated) & people.keys()
    conflict_pairs = {tuple(sorted((e.source, e.target))) for e in drawn if e.kind == CONFLICT}
    factions = sum(1 for f in insights.factions if len(set(f) & people.keys()) >= 2)
    desc = _summary(len(people), len(drawn), factions, len(conflict_pairs), len(isolated))
    linked = any(_safe_href(node.href) for node in people.values())
    parts = _svg_open(prefix, width, height, title, desc, role="group" if linked else "img")

    if plan.caption_top is not None:
        top = plan.caption_top
        parts.append(
            f'<g class="unconnected"><path d="M{_n(MARGIN)} {_n(top)}H{_n(width - MARGIN)}" '
            f'stroke="#d1d5db" stroke-width="1" stroke-dasharray="4 4"/>'
            f'<text x="{_n(MARGIN)}" y="{_n(top + 13)}" font-size="{_n(labels.role_size)}" '
            f'fill="{MUTED}">{CAPTION}</text></g>'
        )

    # Edges, under the nodes. Several edges between the same two people fan out.
    radius = {
        k: node_radius(n.influence) + (BROKER_RING if k in brokers else 0)
        for k, n in people.items()
    }
    order_keys = list(people)
    slot = {k: i for i, k in enumerate(order_keys)}
    circles = np.array([(*positions[k], radius[k]) for k in order_keys])
    # Edges keep off the labels' text (the halo's inner part may be crossed).
    boxes = [plan.labels[k].box for k in order_keys]
    inner = [(a + 8, b + 4, max(a + 8, c - 8), max(b + 4, d - 4)) for a, b, c, d in boxes]
    obstacles = _Obstacles(circles, np.array(inner), float(width), float(height))
    drawn_ys = [box[1] for box in boxes] + [box[3] for box in boxes]
    drawn_ys += [positions[k][1] - radius[k] - BADGE_RADIUS * 2 for k in order_keys]
    drawn_ys += [positions[k][1] + radius[k] for k in order_keys]
    by_pair: dict[tuple[str, str], list[MapEdge]] = {}
    for edge in drawn:
        by_pair.setdefault(tuple(sorted((edge.source, edge.target))), []).append(edge)
    parts.append('<g class="edges">')
    for (low, high), group in sorted(by_pair.items()):
        skip = np.zeros(len(order_keys), dtype=bool)
        skip[[slot[low], slot[high]]] = True
        count = len(group)
        for i, edge in enumerate(group):
            base = 0.0 if count == 1 else 0.24 * (i - (count - 1) / 2)
            if edge.source != low:
                base = -base  # bends are measured from the lower key to the higher one
            a, b = positions[edge.source], positions[edge.target]
            bend = _choose_bend(a, b, base, obstacles, skip)
            cy = _control(a, b, bend)[1]
            drawn_ys.extend((0.25 * a[1] + 0.5 * cy + 0.25 * b[1]) + d for d in (-10, 10))
            source, target = people[edge.source], people[edge.target]
            text = (
                f"{source.name} {_KIND_TEXT[edge.kind]} {target.name} "
                f"(strength {min(5, max(1, int(edge.strength)))}/5"
                + (
                    f", friction {min(1.0, max(0.0, edge.friction)):.0%}"
                    if edge.friction is not None and math.isfinite(edge.friction)
                    else ""
                )
                + ")"
            )
            gap_b = radius[edge.target] + 1.5
            parts.append(_edge_svg(edge, a, b, radius[edge.source] + 1.0, gap_b, bend, text))
    parts.append("</g>")

    # Nodes in reading order: the order a keyboard reaches their links in (Tab follows
    # the document). No label overlaps a node (scoring.core.map_labels), so the order
    # changes nothing drawn.
    parts.append('<g class="nodes">')
    index = {k: i for i, k in enumerate(people)}
    for key in reading_order(positions):
        x, y = positions[key]
        parts.append(
            _node_svg(
                people[key],
                x,
                y,
                broker=key in brokers,
                isolated=key in isolated,
                node_id=f"{prefix}-node-{index[key]}",
                labels=labels,
                label=plan.labels[key],
            )
        )
    parts.append("</g></svg>")
    if crop:
        low = max(0.0, min(drawn_ys) - MARGIN)
        high = min(float(height), max(drawn_ys) + MARGIN)
        parts[0] = parts[0].replace(
            f'viewBox="0 0 {_n(width)} {_n(height)}"',
            f'viewBox="0 {_n(low)} {_n(width)} {_n(high - low)}"',
            1,
        )
    return "".join(parts)
