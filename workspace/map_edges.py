"""The stakeholder map's relationship lines: curves bent around the people they would
cross, coloured by kind and friction, conflicts drawn as zigzags. Pure Python plus
numpy; no Django.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from scoring.core.graph import CONFLICT
from workspace.map_style import _KIND_COLOUR, MapEdge, _bolt, _friction_colour, _n

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
