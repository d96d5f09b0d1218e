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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

import numpy as np

from charts.svg import FONT, INK, MUTED
from scoring.core.graph import CONFLICT, GraphInsights, Person, Tie
from scoring.core.layout import (
    BADGE_RADIUS,
    BROKER_RING,
    MARGIN,
    LabelStyle,
    label_offset,
    label_style,
    layout,
    node_radius,
)


@dataclass(frozen=True)
class MapNode:
    key: str
    name: str
    role_label: str
    influence: int
    stance: str
    consent: bool = True
    href: str | None = None


@dataclass(frozen=True)
class MapEdge:
    source: str
    target: str
    kind: str
    strength: int
    friction: float | None = None


MAX_LABEL = 18  # characters per label line before the ellipsis
BROKER = "#6d28d9"
CONFLICT_RED = "#c81e1e"


@dataclass(frozen=True)
class _Stance:
    label: str
    fill: str
    stroke: str
    ink: str  # glyph colour (contrast >= 4.5:1 on the fill)


STANCES = {
    "supporter": _Stance("Supporter", "#0f7a55", "#0a5239", "#ffffff"),
    "neutral": _Stance("Neutral", "#5b6b80", "#3d4858", "#ffffff"),
    "skeptic": _Stance("Skeptic", "#c2410c", "#8a2e08", "#ffffff"),
    "unknown": _Stance("Unknown", "#e5e7eb", "#6b7280", "#374151"),
}

_KIND_ORDER = {"collaborates": 0, "influences": 1, "reports_to": 2, CONFLICT: 3}
_KIND_COLOUR = {
    "reports_to": "#374151",
    "influences": "#2f5d9e",
    "collaborates": "#8a94a3",
    CONFLICT: CONFLICT_RED,
}
_KIND_TEXT = {
    "reports_to": "reports to",
    "influences": "influences",
    "collaborates": "collaborates with",
    CONFLICT: "is in conflict with",
}
_FRICTION_STOPS = ((0.0, (0x8A, 0x94, 0xA3)), (0.5, (0xD9, 0x77, 0x06)), (1.0, (0xC8, 0x1E, 0x1E)))


# ------------------------------------------------------------------------ helpers


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing zeros, never '-0'."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _prefix(id_prefix: str) -> str:
    cleaned = "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in str(id_prefix)
    )
    return cleaned if cleaned[:1].isalpha() else f"m{cleaned}"


def _safe_href(href: str | None) -> str | None:
    """Only site paths, fragments and http(s) links: never ``javascript:`` or ``data:``."""
    if not href:
        return None
    value = href.strip()
    if value.startswith(("/", "#", "?", "https://", "http://")) and not value.startswith("//"):
        return value
    return None


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _friction_colour(friction: float) -> str:
    value = min(1.0, max(0.0, float(friction))) if math.isfinite(friction) else 0.0
    for (low, a), (high, b) in pairwise(_FRICTION_STOPS):
        if value <= high:
            t = (value - low) / (high - low)
            return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(a, b, strict=True))
    return "#c81e1e"


def _stance(value: str) -> _Stance:
    return STANCES.get(str(value).strip().lower(), STANCES["unknown"])


def _stance_key(value: str) -> str:
    key = str(value).strip().lower()
    return key if key in STANCES else "unknown"


def _svg_open(prefix: str, width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" class="stakeholder-map" '
        f'font-family="{escape(FONT)}">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
    ]


# ------------------------------------------------------------------------ glyphs


def _glyph(stance: str, x: float, y: float, radius: float) -> str:
    """The stance glyph inside a node, drawn as paths so it needs no font."""
    style = _stance(stance)
    s = max(3.2, radius * 0.42)
    width = _n(max(1.6, radius * 0.14))
    common = f'fill="none" stroke="{style.ink}" stroke-width="{width}" stroke-linecap="round"'
    key = _stance_key(stance)
    if key == "supporter":  # a tick
        d = (
            f"M{_n(x - s)} {_n(y + s * 0.05)}L{_n(x - s * 0.3)} {_n(y + s * 0.7)}"
            f"L{_n(x + s)} {_n(y - s * 0.6)}"
        )
        return f'<path d="{d}" {common} stroke-linejoin="round"/>'
    if key == "neutral":  # a level bar
        return f'<path d="M{_n(x - s)} {_n(y)}H{_n(x + s)}" {common}/>'
    if key == "skeptic":  # a cross
        k = s * 0.8
        d = (
            f"M{_n(x - k)} {_n(y - k)}L{_n(x + k)} {_n(y + k)}"
            f"M{_n(x + k)} {_n(y - k)}L{_n(x - k)} {_n(y + k)}"
        )
        return f'<path d="{d}" {common}/>'
    size = _n(max(9.0, radius * 1.05))
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" dominant-baseline="central" '
        f'font-size="{size}" font-weight="700" fill="{style.ink}">?</text>'
    )


def _no_consent_badge(x: float, y: float) -> str:
    """A white disc holding an envelope with a red slash through it."""
    r = BADGE_RADIUS
    w, h = r * 1.2, r * 0.85
    left, right, top = x - w / 2, x + w / 2, y - h / 2
    slash = f"M{_n(x - r * 0.62)} {_n(y + r * 0.62)}L{_n(x + r * 0.62)} {_n(y - r * 0.62)}"
    return (
        f'<g class="no-consent">'
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="#ffffff" stroke="{MUTED}" '
        f'stroke-width="1.2"/>'
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(w)}" height="{_n(h)}" rx="1" '
        f'fill="#ffffff" stroke="{INK}" stroke-width="1.1"/>'
        f'<path d="M{_n(left)} {_n(top)}L{_n(x)} {_n(y + h * 0.08)}L{_n(right)} {_n(top)}" '
        f'fill="none" stroke="{INK}" stroke-width="1.1" stroke-linejoin="round"/>'
        f'<path d="{slash}" stroke="#ffffff" stroke-width="3.4" stroke-linecap="round"/>'
        f'<path d="{slash}" stroke="{CONFLICT_RED}" stroke-width="1.7" stroke-linecap="round"/>'
        f"</g>"
    )


def _bolt(x: float, y: float, scale: float = 1.0) -> str:
    """The conflict badge: a white disc with a red lightning bolt."""
    points = ((1.6, -5.6), (-3.4, 0.9), (-0.3, 0.9), (-1.6, 5.6), (3.4, -0.9), (0.3, -0.9))
    bolt = " ".join(f"{_n(x + px * scale)},{_n(y + py * scale)}" for px, py in points)
    return (
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(7.5 * scale)}" fill="#ffffff" '
        f'stroke="{CONFLICT_RED}" stroke-width="1.5"/>'
        f'<polygon points="{bolt}" fill="{CONFLICT_RED}"/>'
    )


# ------------------------------------------------------------------------- edges


@dataclass(frozen=True)
class _Curve:
    """A quadratic Bezier from start to end through control (straight when bend == 0)."""

    sx: float
    sy: float
    cx: float
    cy: float
    ex: float
    ey: float

    def point(self, t: float) -> tuple[float, float]:
        u = 1 - t
        return (
            u * u * self.sx + 2 * u * t * self.cx + t * t * self.ex,
            u * u * self.sy + 2 * u * t * self.cy + t * t * self.ey,
        )

    def normal(self, t: float) -> tuple[float, float]:
        tx = 2 * (1 - t) * (self.cx - self.sx) + 2 * t * (self.ex - self.cx)
        ty = 2 * (1 - t) * (self.cy - self.sy) + 2 * t * (self.ey - self.cy)
        length = math.hypot(tx, ty) or 1.0
        return (-ty / length, tx / length)

    def path(self) -> str:
        return (
            f"M{_n(self.sx)} {_n(self.sy)}Q{_n(self.cx)} {_n(self.cy)} {_n(self.ex)} {_n(self.ey)}"
        )


def _unit(dx: float, dy: float) -> tuple[float, float]:
    length = math.hypot(dx, dy) or 1.0
    return dx / length, dy / length


def _control(a: tuple[float, float], b: tuple[float, float], bend: float) -> tuple[float, float]:
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = _unit(-(b[1] - a[1]), b[0] - a[0])
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    return mx + nx * bend * length, my + ny * bend * length


_BENDS = (0.0, 0.12, -0.12, 0.22, -0.22, 0.34, -0.34)
_SAMPLES = np.linspace(0.1, 0.9, 17)
# The terms of the quadratic Bezier at the samples, computed as _Obstacles.hits did:
# u * u * start + 2 * u * t * control + t * t * end.
_UU = (1 - _SAMPLES) * (1 - _SAMPLES)
_UT2 = 2 * (1 - _SAMPLES) * _SAMPLES
_TT = _SAMPLES * _SAMPLES


@dataclass(frozen=True)
class _Obstacles:
    """Node circles and label boxes an edge should not run through."""

    circles: np.ndarray  # (n, 3): x, y, radius
    labels: np.ndarray  # (n, 4): left, top, right, bottom
    width: float
    height: float

    def hits(self, a, b, bend: float, skip: np.ndarray) -> tuple[int, int] | None:
        """(nodes crossed, labels crossed) by the curve, or None if it leaves the canvas."""
        return self.hits_many(a, b, (bend,), skip)[0]

    def hits_many(
        self, a, b, bends: Sequence[float], skip: np.ndarray
    ) -> list[tuple[int, int] | None]:
        """:meth:`hits` for several bends of the curve from a to b, in one numpy pass
        (the same arithmetic as one bend at a time, so the same answers)."""
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2  # as _control computes them
        nx, ny = _unit(-(b[1] - a[1]), b[0] - a[0])
        length = math.hypot(b[0] - a[0], b[1] - a[1])
        bend = np.array(bends, dtype=float)[:, None]  # (bends, 1)
        cx = mx + nx * bend * length
        cy = my + ny * bend * length
        px = _UU * a[0] + _UT2 * cx + _TT * b[0]  # (bends, samples)
        py = _UU * a[1] + _UT2 * cy + _TT * b[1]
        right, bottom = self.width - 2, self.height - 2
        if px.min() >= 2 and py.min() >= 2 and px.max() <= right and py.max() <= bottom:
            on_canvas = [True] * len(bends)
        else:
            on_canvas = (
                (px.min(axis=1) >= 2)
                & (py.min(axis=1) >= 2)
                & (px.max(axis=1) <= right)
                & (py.max(axis=1) <= bottom)
            ).tolist()
        px3, py3 = px[:, :, None], py[:, :, None]  # (bends, samples, 1)
        c = self.circles
        dist = (px3 - c[:, 0]) ** 2 + (py3 - c[:, 1]) ** 2
        nodes = ((dist < (c[:, 2] + 3) ** 2).any(axis=1) & ~skip).sum(axis=1)
        box = self.labels
        inside = (px3 > box[:, 0]) & (px3 < box[:, 2]) & (py3 > box[:, 1]) & (py3 < box[:, 3])
        labels = inside.any(axis=1).sum(axis=1)
        return [
            (int(n), int(m)) if ok else None
            for ok, n, m in zip(on_canvas, nodes.tolist(), labels.tolist(), strict=True)
        ]


def _choose_bend(
    a: tuple[float, float],
    b: tuple[float, float],
    base: float,
    obstacles: _Obstacles,
    skip: np.ndarray,
) -> float:
    """The first bend (from straight, or from the fan-out bend) that crosses the fewest
    other nodes, then the fewest labels. A fanned-out edge only bends further out, so
    it never crosses the other edges between the same two people."""
    best: tuple[tuple[int, int], float] | None = None
    extras = _BENDS if base == 0 else tuple(abs(e) for e in _BENDS if e >= 0)
    bends = [base + extra if base > 0 else base - extra for extra in extras]
    for bend, hits in zip(bends, obstacles.hits_many(a, b, bends, skip), strict=True):
        if hits is None:
            continue
        if hits == (0, 0):
            return bend
        if best is None or hits < best[0]:
            best = (hits, bend)
    return base if best is None else best[1]


def _zigzag(curve: _Curve, amplitude: float) -> str:
    length = math.hypot(curve.ex - curve.sx, curve.ey - curve.sy)
    steps = max(4, int(length / 7) // 2 * 2)
    parts = [f"M{_n(curve.sx)} {_n(curve.sy)}"]
    for i in range(1, steps):
        t = i / steps
        px, py = curve.point(t)
        nx, ny = curve.normal(t)
        side = amplitude if i % 2 else -amplitude
        parts.append(f"L{_n(px + nx * side)} {_n(py + ny * side)}")
    parts.append(f"L{_n(curve.ex)} {_n(curve.ey)}")
    return "".join(parts)


def _edge_svg(
    edge: MapEdge,
    a: tuple[float, float],
    b: tuple[float, float],
    gap_a: float,
    gap_b: float,
    bend: float,
    title: str,
) -> str:
    strength = min(5, max(1, int(edge.strength)))
    kind = edge.kind
    colour = _KIND_COLOUR[kind]
    if edge.friction is not None:
        colour = _friction_colour(edge.friction)
    width = {
        "reports_to": 1.2 + 0.45 * (strength - 1),
        "influences": 1.2 + 0.45 * (strength - 1),
        "collaborates": 0.8 + 0.35 * (strength - 1),
        CONFLICT: 1.8 + 0.45 * (strength - 1),
    }[kind]
    cx, cy = _control(a, b, bend)
    ua = _unit(cx - a[0], cy - a[1])
    ub = _unit(cx - b[0], cy - b[1])
    start = (a[0] + ua[0] * gap_a, a[1] + ua[1] * gap_a)
    tip = (b[0] + ub[0] * gap_b, b[1] + ub[1] * gap_b)
    arrow = kind in ("reports_to", "influences")
    head = 7.0 + 1.6 * width
    end = (tip[0] + ub[0] * head * 0.8, tip[1] + ub[1] * head * 0.8) if arrow else tip
    if math.hypot(end[0] - start[0], end[1] - start[1]) < 2.0 or (
        (end[0] - start[0]) * (b[0] - a[0]) + (end[1] - start[1]) * (b[1] - a[1]) <= 0
    ):
        return ""  # the two nodes touch: nothing visible to draw
    curve = _Curve(start[0], start[1], cx, cy, end[0], end[1])
    parts = [f'<g class="edge edge--{kind.replace("_", "-")}"><title>{escape(title)}</title>']
    stroke = f'fill="none" stroke="{colour}" stroke-width="{_n(width)}"'
    if kind == CONFLICT:
        amplitude = 2.2 + 0.35 * strength
        parts.append(
            f'<path d="{_zigzag(curve, amplitude)}" {stroke} stroke-linejoin="round" '
            f'stroke-linecap="round"/>'
        )
        mx, my = curve.point(0.5)
        parts.append(_bolt(mx, my))
    else:
        dash = ' stroke-dasharray="6 4"' if kind == "influences" else ""
        parts.append(f'<path d="{curve.path()}" {stroke}{dash} stroke-linecap="butt"/>')
    if arrow:
        px, py = -ub[1], ub[0]
        half = head * 0.5
        base = (tip[0] + ub[0] * head, tip[1] + ub[1] * head)
        points = (
            f"{_n(tip[0])},{_n(tip[1])} "
            f"{_n(base[0] + px * half)},{_n(base[1] + py * half)} "
            f"{_n(base[0] - px * half)},{_n(base[1] - py * half)}"
        )
        parts.append(f'<polygon points="{points}" fill="{colour}"/>')
    parts.append("</g>")
    return "".join(parts)


# ------------------------------------------------------------------------- nodes


def _node_svg(
    node: MapNode,
    x: float,
    y: float,
    *,
    broker: bool,
    isolated: bool,
    node_id: str,
    labels: LabelStyle,
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
        parts.append(f'<a href="{escape(href)}" aria-label="{escape(hover)}">')
    parts.append(
        f'<g class="node node--{stance_class}{" node--broker" if broker else ""}'
        f'{" node--no-consent" if not node.consent else ""}" id="{node_id}">'
    )
    parts.append(f"<title>{escape(hover)}</title>")
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
    top = y + label_offset(level, broker=broker)
    halo = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    name_line = top + labels.name_size * 0.95
    parts.append(
        f'<text x="{_n(x)}" y="{_n(name_line)}" text-anchor="middle" '
        f'font-size="{_n(labels.name_size)}" font-weight="600" fill="{INK}" {halo}>'
        f"{escape(_clip(name, labels.max_chars))}</text>"
    )
    if role:
        parts.append(
            f'<text x="{_n(x)}" y="{_n(top + labels.height - 3)}" text-anchor="middle" '
            f'font-size="{_n(labels.role_size)}" fill="{MUTED}" {halo}>'
            f"{escape(_clip(role, labels.max_chars))}</text>"
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


def render_map(
    nodes: Sequence[MapNode],
    edges: Sequence[MapEdge],
    *,
    insights: GraphInsights,
    title: str,
    width: float = 960,
    height: float = 600,
    id_prefix: str = "map",
) -> str:
    """The stakeholder map as one ``<svg>`` element (a string, every text escaped)."""
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
    positions = layout(
        [Person(n.key, n.influence, n.role_label, n.stance) for n in people.values()],
        [Tie(e.source, e.target, e.kind, e.strength) for e in drawn],
        insights,
        width=width,
        height=height,
    )
    brokers = set(insights.brokers) & people.keys()
    isolated = set(insights.isolated) & people.keys()
    conflict_pairs = {tuple(sorted((e.source, e.target))) for e in drawn if e.kind == CONFLICT}
    factions = sum(1 for f in insights.factions if len(set(f) & people.keys()) >= 2)
    desc = _summary(len(people), len(drawn), factions, len(conflict_pairs), len(isolated))
    parts = _svg_open(prefix, width, height, title, desc)

    if isolated and len(isolated) < len(people):
        top = min(positions[k][1] for k in isolated) - 26 - 14
        parts.append(
            f'<g class="unconnected"><path d="M{_n(MARGIN)} {_n(top)}H{_n(width - MARGIN)}" '
            f'stroke="#d1d5db" stroke-width="1" stroke-dasharray="4 4"/>'
            f'<text x="{_n(MARGIN)}" y="{_n(top + 13)}" font-size="11" fill="{MUTED}">'
            f"No relationships yet</text></g>"
        )

    # Edges, under the nodes. Several edges between the same two people fan out.
    radius = {
        k: node_radius(n.influence) + (BROKER_RING if k in brokers else 0)
        for k, n in people.items()
    }
    order_keys = list(people)
    slot = {k: i for i, k in enumerate(order_keys)}
    circles = np.array([(*positions[k], radius[k]) for k in order_keys])
    labels = label_style(len(people))
    boxes = []
    for k in order_keys:
        x, y = positions[k]
        top = y + label_offset(people[k].influence, broker=k in brokers)
        half = labels.width / 2 - 10
        boxes.append((x - half, top + 2, x + half, top + labels.height - 2))
    obstacles = _Obstacles(circles, np.array(boxes), float(width), float(height))
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

    # Nodes from the bottom up, so a label is never hidden under a node lower down.
    parts.append('<g class="nodes">')
    order = sorted(people, key=lambda k: (-positions[k][1], positions[k][0], k))
    index = {k: i for i, k in enumerate(people)}
    for key in order:
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
            )
        )
    parts.append("</g></svg>")
    return "".join(parts)


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
