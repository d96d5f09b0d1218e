"""Where each person sits on the stakeholder map.

Pure Python plus numpy; no Django. :func:`layout` turns a buying group's people, ties
and :class:`~scoring.core.graph.GraphInsights` into canvas coordinates for the SVG
map drawn by ``workspace.stakeholder_map``.

How the map is laid out
-----------------------
1. People without any relationship (``insights.isolated``) sit in rows along the
   bottom of the canvas, apart from everyone else, left to right by
   (influence descending, key). When nobody has a relationship, the rows are centred.
2. Every faction is a cluster: its most influential member in the middle, the others on
   rings around them, in the order (influence descending, key). A ring's empty slots
   sit below the centre, where the centre person's label is, and a ring of two or more
   is never evenly filled with an even number of people, so nobody sits straight across
   the centre from anybody else on the same ring.
3. The clusters start on an ellipse around the middle of the canvas, in a chain that
   puts strongly tied factions next to each other (starting from the faction holding
   the first key), are pushed apart until they do not overlap, and the arrangement is
   fitted to the canvas. Members with ties to other clusters take the slots facing
   those clusters.
4. A fixed number of relaxation steps pushes apart people whose node-plus-label boxes
   overlap, then people whose node circles come closer than ``PADDING``; if any circles
   still overlap (a canvas far too small), everyone connected falls back to a grid.

Labels get smaller on crowded maps (:func:`label_style`); the renderer draws them with
the same :class:`LabelStyle` the layout made room for.

Guarantees (tested in ``tests/analysis/test_layout.py``):

* Input order never matters: the same people and ties, in any order and with repeated
  ties, give identical coordinates, and calling twice gives identical coordinates.
* Every node circle, with its broker ring, its no-consent badge and its two label lines
  (``label_style(n).width`` wide), lies inside the ``width`` x ``height`` canvas with a
  margin of ``MARGIN``, whenever the canvas is large enough to hold them.
* No two node circles (with their broker rings) overlap or come closer than
  ``PADDING``, for up to 50 people at the default 960 x 600 canvas. Labels are kept
  apart as far as the space allows: for a group of up to 12 people no label touches
  another label or a node; at 50 people some labels touch.
* Adding or removing people with no relationship never moves anyone who has one, as
  long as the number of rows of unconnected people (seven to a row at the default
  width) and the label style stay the same; in the row, a person only ever shifts to
  the next or the previous slot.
* Clusters keep their place on the ellipse by key, not by size, so a faction that
  grows by one person does not swap sides with another.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.core.graph import CONFLICT, MAX_LEVEL, MIN_LEVEL, GraphInsights, Person, Tie

MIN_RADIUS = 11.0  # node radius at influence 1
MAX_RADIUS = 26.0  # node radius at influence 5
BROKER_RING = 5.0  # a broker's outline ring sits this far outside the node
BADGE_RADIUS = 8.5  # the no-consent badge, centred on the node's upper-right rim
LABEL_GAP = 4.0  # from the node (or broker ring) to the top of the label
MARGIN = 8.0  # empty border around the canvas
PADDING = 6.0  # minimum gap between two node circles (rings included)


@dataclass(frozen=True)
class LabelStyle:
    """The two label lines under each node: the layout keeps room for them."""

    width: float  # the widest a line can be (max_chars of the name font)
    height: float  # both lines
    name_size: float  # font sizes in px
    role_size: float
    max_chars: int  # longer text is cut with an ellipsis


REGULAR_LABELS = LabelStyle(width=120.0, height=27.0, name_size=11.0, role_size=10.0, max_chars=18)
COMPACT_LABELS = LabelStyle(width=98.0, height=24.0, name_size=10.0, role_size=9.0, max_chars=16)
COMPACT_FROM = 25  # people on the map


def label_style(count: int) -> LabelStyle:
    """Label size for a map of ``count`` people: smaller on crowded maps."""
    return COMPACT_LABELS if count >= COMPACT_FROM else REGULAR_LABELS


def node_radius(influence: int) -> float:
    """Node radius in pixels: grows linearly from MIN_RADIUS (influence 1) to MAX_RADIUS (5)."""
    level = min(MAX_LEVEL, max(MIN_LEVEL, int(influence)))
    share = (level - MIN_LEVEL) / (MAX_LEVEL - MIN_LEVEL)
    return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share


def outer_radius(influence: int, *, broker: bool) -> float:
    """The node's radius including a broker's outline ring."""
    return node_radius(influence) + (BROKER_RING if broker else 0.0)


def label_offset(influence: int, *, broker: bool) -> float:
    """Distance from the node centre down to the top of its two label lines."""
    return outer_radius(influence, broker=broker) + LABEL_GAP


def _top_extent(influence: int, *, broker: bool) -> float:
    radius = node_radius(influence)
    badge = radius * math.sqrt(0.5) + BADGE_RADIUS
    return max(outer_radius(influence, broker=broker), badge)


@dataclass(frozen=True)
class _Cells:
    """Spacing derived from the label style (before any squeeze)."""

    slot_width: float  # one unconnected person in the bottom rows
    row_height: float
    cell_x: float  # people inside a cluster
    cell_y: float  # leaves room for an edge between two rows of people

    @classmethod
    def of(cls, labels: LabelStyle) -> "_Cells":
        node_and_label = 2 * MAX_RADIUS + LABEL_GAP + labels.height
        return cls(
            slot_width=labels.width + 6.0,
            row_height=node_and_label + 10.0,
            cell_x=labels.width + 10.0,
            cell_y=node_and_label + 24.0,
        )


_CAPTION = 18.0  # room above the bottom rows for a caption
_CLUSTER_GAP = 1.0  # cells between two clusters
_MAX_ZOOM = 1.2  # small groups get roomier cells
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_DISC_STEPS = 30
_BOX_STEPS = 60
_CIRCLE_STEPS = 60


# --------------------------------------------------------------------------- clusters


def _cluster_offsets(count: int) -> list[tuple[float, float]]:
    """Positions in cell units: the first member in the middle, the rest on rings.

    Ring k holds up to 6k - 1 people. The slots on a ring are evenly spaced, one or two
    more than the people on it, and the empty ones sit below the centre, where the centre
    person's label is. A ring of one puts that person to the right.
    """
    offsets = [(0.0, 0.0)]
    ring = 0
    while len(offsets) < count:
        ring += 1
        members = min(6 * ring - 1, count - len(offsets))
        if members == 1:
            offsets.append((float(ring), 0.0))
            continue
        empty = 1 if members % 2 == 0 else 2
        slots = members + empty
        step = 2 * math.pi / slots
        # Just past the empty slot(s); outer rings turn a little so their people do not
        # line up behind the inner ring's.
        first = math.pi / 2 + (empty + 1) / 2 * step + (ring - 1) * step / 3
        for j in range(members):
            angle = first + j * step
            offsets.append((ring * math.cos(angle), ring * math.sin(angle)))
    return offsets[:count]


def _disc(count: int) -> float:
    """Radius (cell units) of the disc a cluster of ``count`` people covers."""
    return max(0.5, math.sqrt(count / math.pi) * 1.1)


def _positive_pairs(ties: Sequence[Tie], known: set[str]) -> dict[tuple[str, str], int]:
    """Positive ties between known people, once per pair, at the strongest strength."""
    pairs: dict[tuple[str, str], int] = {}
    for tie in ties:
        a, b = tie.source, tie.target
        if tie.kind == CONFLICT or a == b or a not in known or b not in known:
            continue
        pair = (a, b) if a < b else (b, a)
        strength = min(MAX_LEVEL, max(MIN_LEVEL, int(tie.strength)))
        pairs[pair] = max(strength, pairs.get(pair, 0))
    return {pair: pairs[pair] for pair in sorted(pairs)}


def _chain(factions: list[list[str]], pairs: dict[tuple[str, str], int]) -> list[int]:
    """Faction order around the ellipse: start from the faction holding the first key,
    then always take the one most strongly tied to the last placed (then to all placed,
    then by first key). Keys, not sizes, break ties, so a faction that grows by one
    person does not swap places with another."""
    faction_of = {key: f for f, members in enumerate(factions) for key in members}
    first_key = [min(members) for members in factions]
    weight: dict[tuple[int, int], int] = {}
    for (a, b), strength in pairs.items():
        fa, fb = faction_of[a], faction_of[b]
        if fa != fb:
            weight[fa, fb] = weight.get((fa, fb), 0) + strength
            weight[fb, fa] = weight.get((fb, fa), 0) + strength
    start = min(range(len(factions)), key=first_key.__getitem__)
    order = [start]
    rest = [f for f in range(len(factions)) if f != start]
    to_placed = [weight.get((start, f), 0) for f in range(len(factions))]
    while rest:
        last = order[-1]
        best = min(rest, key=lambda f: (-weight.get((last, f), 0), -to_placed[f], first_key[f]))
        order.append(best)
        rest.remove(best)
        for f in rest:
            to_placed[f] += weight.get((best, f), 0)
    return order


def _face(
    members: list[str],
    offsets: list[tuple[float, float]],
    preference: dict[str, tuple[float, float]],
) -> list[tuple[float, float]]:
    """Give each member a slot of the cluster so people with ties to other clusters sit
    on the side facing them. The first member keeps the centre; the slots keep their
    shape (or its mirror image, whichever faces better)."""
    if len(members) < 2:
        return offsets
    ring = members[1:]
    wanting = sorted(
        (k for k in ring if preference.get(k, (0.0, 0.0)) != (0.0, 0.0)),
        key=lambda k: -math.hypot(*preference[k]),
    )  # stable sort: equal pulls keep the member order
    if not wanting:
        return offsets
    best: tuple[float, list[tuple[float, float]]] | None = None
    for mirror in (1.0, -1.0):
        free = [(mirror * dx, dy) for dx, dy in offsets[1:]]
        taken: dict[str, tuple[float, float]] = {}
        score = 0.0
        for key in wanting:
            px, py = preference[key]
            slot = max(range(len(free)), key=lambda s: (px * free[s][0] + py * free[s][1], -s))
            score += px * free[slot][0] + py * free[slot][1]
            taken[key] = free.pop(slot)
        for key in ring:
            if key not in taken:
                taken[key] = free.pop(0)
        if best is None or score > best[0] + 1e-9:
            best = (score, [offsets[0], *(taken[k] for k in ring)])
    assert best is not None
    return best[1]


def _pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j) with i < j, in a fixed order."""
    return np.triu_indices(count, 1)


def _directions(
    dx: np.ndarray, dy: np.ndarray, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors from i to j; two people on the same spot get a fixed direction
    (from their indexes, never from the input order)."""
    dist = np.hypot(dx, dy)
    same = dist < 1e-9
    if same.any():
        angle = (i + 2 * j) * _GOLDEN_ANGLE
        dx = np.where(same, np.cos(angle), dx)
        dy = np.where(same, np.sin(angle), dy)
        dist = np.where(same, 1.0, dist)
    return dx / dist, dy / dist


def _separate_discs(
    centre: np.ndarray, radius: np.ndarray, low: np.ndarray, high: np.ndarray
) -> np.ndarray:
    """Push overlapping discs (faction clusters, in cell units) apart, inside bounds."""
    count = len(radius)
    centre = np.clip(centre, low, high)
    if count < 2:
        return centre
    i, j = _pairs(count)
    need = radius[i] + radius[j] + 0.25
    x, y = centre[:, 0].copy(), centre[:, 1].copy()
    for _ in range(_DISC_STEPS):
        dx, dy = x[j] - x[i], y[j] - y[i]
        overlap = need - np.hypot(dx, dy)
        hit = overlap > 1e-9
        if not hit.any():
            break
        hi, hj = i[hit], j[hit]
        ux, uy = _directions(dx[hit], dy[hit], hi, hj)
        push = overlap[hit] * 0.3
        x = np.clip(
            x + np.bincount(hj, push * ux, count) - np.bincount(hi, push * ux, count),
            low[:, 0],
            high[:, 0],
        )
        y = np.clip(
            y + np.bincount(hj, push * uy, count) - np.bincount(hi, push * uy, count),
            low[:, 1],
            high[:, 1],
        )
    return np.stack((x, y), 1)


# ----------------------------------------------------------------------- relaxation

Bounds = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _separate_boxes(
    x: np.ndarray,
    y: np.ndarray,
    half_width: float,
    top: np.ndarray,
    bottom: np.ndarray,
    bounds: Bounds,
) -> tuple[np.ndarray, np.ndarray]:
    """Push apart people whose node-plus-label boxes overlap (along the shorter overlap;
    the boxes are wide, so a vertical push is preferred)."""
    count = len(x)
    i, j = _pairs(count)
    width = 2 * half_width + 4.0
    below = bottom[i] + top[j] + 2.0  # room needed when j is below i
    above = top[i] + bottom[j] + 2.0  # room needed when j is above i
    x_low, x_high, y_low, y_high = bounds
    for _ in range(_BOX_STEPS):
        dx, dy = x[j] - x[i], y[j] - y[i]
        over_x = width - np.abs(dx)
        over_y = np.where(dy >= 0, below, above) - np.abs(dy)
        hit = (over_x > 0) & (over_y > 0)
        if not hit.any():
            break
        hi, hj = i[hit], j[hit]
        ox, oy = over_x[hit], over_y[hit]
        sideways = ox * 0.75 < oy
        push_x = np.where(sideways, ox, 0.0) * np.where(dx[hit] >= 0, 0.3, -0.3)
        push_y = np.where(sideways, 0.0, oy) * np.where(dy[hit] >= 0, 0.3, -0.3)
        x = np.clip(
            x + np.bincount(hj, push_x, count) - np.bincount(hi, push_x, count), x_low, x_high
        )
        y = np.clip(
            y + np.bincount(hj, push_y, count) - np.bincount(hi, push_y, count), y_low, y_high
        )
    return x, y


def _circle_overlap(
    x: np.ndarray, y: np.ndarray, radius: np.ndarray, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    return radius[i] + radius[j] + PADDING - np.hypot(x[j] - x[i], y[j] - y[i])


def _separate_circles(
    x: np.ndarray, y: np.ndarray, radius: np.ndarray, bounds: Bounds
) -> tuple[np.ndarray, np.ndarray]:
    """Push apart node circles closer than PADDING (the guarantee step)."""
    count = len(x)
    i, j = _pairs(count)
    x_low, x_high, y_low, y_high = bounds
    for _ in range(_CIRCLE_STEPS):
        overlap = _circle_overlap(x, y, radius, i, j)
        hit = overlap > 0.01
        if not hit.any():
            break
        hi, hj = i[hit], j[hit]
        ux, uy = _directions(x[hj] - x[hi], y[hj] - y[hi], hi, hj)
        push = (overlap[hit] + 0.5) * 0.5
        x = np.clip(
            x + np.bincount(hj, push * ux, count) - np.bincount(hi, push * ux, count),
            x_low,
            x_high,
        )
        y = np.clip(
            y + np.bincount(hj, push * uy, count) - np.bincount(hi, push * uy, count),
            y_low,
            y_high,
        )
    return x, y


def _grid(
    count: int, left: float, right: float, top: float, bottom: float
) -> list[tuple[float, float]]:
    """Fallback: a plain grid filling the rectangle, row by row."""
    span_x, span_y = max(right - left, 1.0), max(bottom - top, 1.0)
    columns = max(1, min(count, math.ceil(math.sqrt(count * span_x / span_y))))
    rows = math.ceil(count / columns)
    step_x = span_x / max(columns - 1, 1)
    step_y = span_y / max(rows - 1, 1)
    return [
        (
            left + (i % columns) * step_x if columns > 1 else (left + right) / 2,
            top + (i // columns) * step_y if rows > 1 else (top + bottom) / 2,
        )
        for i in range(count)
    ]


# ------------------------------------------------------------------------- the rows


def _unconnected_rows(
    keys: list[str], width: float, height: float, *, alone: bool, labels: LabelStyle
) -> tuple[dict[str, tuple[float, float]], float]:
    """Place people without relationships in rows, left to right; return their positions
    and the top of the strip they use (everyone else stays above it). When nobody is
    connected, the rows are centred on the whole canvas instead."""
    if not keys:
        return {}, height
    cells = _Cells.of(labels)
    slot_width = cells.slot_width
    per_row = max(1, int((width - 2 * MARGIN) // slot_width))
    rows = math.ceil(len(keys) / per_row)
    above = _top_extent(MAX_LEVEL, broker=False)  # nobody here is a broker
    below = label_offset(MAX_LEVEL, broker=False) + labels.height
    tight = above + below + 4.0  # a row that still keeps its labels off the next row
    room = height - 2 * MARGIN if alone else height * 0.45 - _CAPTION
    step = max(tight, min(cells.row_height * (1.15 if alone else 1.0), room / rows))
    if rows * step > room and not alone:
        # Very many unconnected people: take up to 60% of the canvas, with rows as close
        # as the nodes allow (labels may then touch the next row).
        room = height * 0.6 - _CAPTION
        step = max(2 * MAX_RADIUS + PADDING, min(tight, (room - tight) / max(rows - 1, 1)))
    block = (rows - 1) * step + max(step, tight)
    if alone:
        strip_top = block_top = (height - block) / 2
    else:
        strip_top = height - MARGIN - block - _CAPTION
        block_top = strip_top + _CAPTION
    centre = above + max(0.0, step - tight) / 2 + 2.0
    positions = {}
    for i, key in enumerate(keys):
        row, column = divmod(i, per_row)
        in_row = min(per_row, len(keys) - row * per_row)
        left = (width - in_row * slot_width) / 2 if alone else MARGIN
        positions[key] = (
            left + (column + 0.5) * slot_width,
            block_top + row * step + centre,
        )
    return positions, strip_top


def _place_clusters(
    offsets: list[list[tuple[float, float]]],
    order: list[int],
    units_x: float,
    units_y: float,
    *,
    crowded: bool,
) -> np.ndarray:
    """Cluster centres in cell units: on an ellipse in ``order``, pushed apart so the
    clusters' discs do not overlap, then fitted to the canvas (moving whole clusters,
    so neighbours stay neighbours); on a crowded canvas, packed inside it instead."""
    count = len(offsets)
    disc = np.array([_disc(len(o)) for o in offsets])
    lowest = np.array([[min(d[axis] for d in o) for axis in (0, 1)] for o in offsets])
    highest = np.array([[max(d[axis] for d in o) for axis in (0, 1)] for o in offsets])
    units = np.array([units_x, units_y])
    # Where a centre may go so that every member stays on the canvas.
    low = np.minimum(-lowest, units / 2)
    high = np.maximum(units - highest, units / 2)
    inverted = low > high
    low = np.where(inverted, units / 2, low)
    high = np.where(inverted, units / 2, high)
    if count == 1:
        return np.clip(units[None, :] / 2, low, high)
    # A ring just long enough for the discs with a gap of one cell between them (wider
    # than tall, like the canvas), never larger than the canvas.
    total = float((2 * disc + _CLUSTER_GAP).sum())
    reach = max(total / (2 * math.pi), (float(np.sort(disc)[-2:].sum()) + _CLUSTER_GAP) / 2)
    radii = np.minimum(np.array([reach * 1.25, reach]), units / 2)
    centres = np.zeros((count, 2))
    angle = math.pi / 2
    for f in order:
        share = math.pi * float(2 * disc[f] + _CLUSTER_GAP) / total
        middle = angle + share
        centres[f] = units / 2 + radii * np.array([math.cos(middle), math.sin(middle)])
        angle += 2 * share
    if crowded:  # no room to spare: pack the discs into the canvas
        return _separate_discs(np.clip(centres, low, high), disc, low, high)
    unbounded = np.full_like(centres, np.inf)
    centres = _separate_discs(centres, disc, -unbounded, unbounded)
    # Fit the arrangement to the canvas: shift it to the middle and, where it is too big,
    # shrink the distances between clusters (never the clusters), axis by axis.
    for axis in (0, 1):
        values = centres[:, axis]
        middle = float(((values + lowest[:, axis]).min() + (values + highest[:, axis]).max()) / 2)
        half = float(units[axis] / 2)
        limits = [
            ((high[f, axis] - half) / (v - middle))
            if v > middle
            else ((half - low[f, axis]) / (middle - v))
            for f, v in enumerate(values.tolist())
            if abs(v - middle) > 1e-9
        ]
        centres[:, axis] = half + (values - middle) * max(0.0, min([*limits, 1.0]))
    return np.clip(centres, low, high)


# --------------------------------------------------------------------------- public


def layout(
    people: Sequence[Person],
    ties: Sequence[Tie],
    insights: GraphInsights,
    *,
    width: float,
    height: float,
) -> dict[str, tuple[float, float]]:
    """Canvas coordinates (node centres, in pixels) for every person, keyed by key.

    Deterministic and independent of input order; see the module docstring for the
    method and the guarantees. ``insights`` should come from
    :func:`~scoring.core.graph.analyze_graph` on the same people and ties; keys it
    does not know are placed as factions of their own.
    """
    influence: dict[str, int] = {}
    for person in people:
        level = min(MAX_LEVEL, max(MIN_LEVEL, int(person.influence)))
        influence[person.key] = max(level, influence.get(person.key, MIN_LEVEL))
    if not influence:
        return {}

    def member_order(key: str) -> tuple[int, str]:
        return (-influence[key], key)

    isolated_set = set(insights.isolated) & influence.keys()
    isolated = sorted(isolated_set, key=member_order)
    seen = set(isolated_set)
    factions: list[list[str]] = []
    for faction in insights.factions:
        members = sorted({k for k in faction if k in influence and k not in seen}, key=member_order)
        seen.update(members)
        if members:
            factions.append(members)
    factions.extend([k] for k in sorted(influence.keys() - seen, key=member_order))

    labels = label_style(len(influence))
    cells = _Cells.of(labels)
    positions, strip_top = _unconnected_rows(
        isolated, width, height, alone=not factions, labels=labels
    )
    if not factions:
        return {k: (round(x, 2), round(y, 2)) for k, (x, y) in positions.items()}

    brokers = set(insights.brokers)
    keys = [k for members in factions for k in members]
    levels = [influence[k] for k in keys]
    broker = [k in brokers for k in keys]
    radius = np.array([outer_radius(v, broker=b) for v, b in zip(levels, broker, strict=True)])
    top = np.array([_top_extent(v, broker=b) for v, b in zip(levels, broker, strict=True)])
    bottom = np.array(
        [label_offset(v, broker=b) + labels.height for v, b in zip(levels, broker, strict=True)]
    )
    half_width = labels.width / 2
    area_bottom = strip_top - (MARGIN if isolated else 0.0)
    inset = MARGIN + 0.01  # coordinates are rounded to 0.01 px at the end
    x_low = np.full(len(keys), inset + half_width)
    x_high = np.full(len(keys), width - inset - half_width)
    y_low = inset + top
    y_high = area_bottom - inset - bottom
    x_low, x_high = (
        np.minimum(x_low, (x_low + x_high) / 2),
        np.maximum(x_high, (x_low + x_high) / 2),
    )
    y_mid = (y_low + y_high) / 2
    y_low, y_high = np.minimum(y_low, y_mid), np.maximum(y_high, y_mid)
    bounds = (x_low, x_high, y_low, y_high)

    # Cell size: squeeze evenly when the clusters would not fit the canvas.
    span_x = max(float(x_high.max() - x_low.min()), 1.0)
    span_y = max(float(y_high.max() - y_low.min()), 1.0)
    needed = len(keys) * cells.cell_x * cells.cell_y * 1.15
    room = (span_x + cells.cell_x) * (span_y + cells.cell_y)
    squeeze = min(_MAX_ZOOM, math.sqrt(room / needed))
    cell_x, cell_y = cells.cell_x * squeeze, cells.cell_y * squeeze

    # Level 1: clusters as discs (cell units) on an ellipse, then pushed apart.
    offsets = [_cluster_offsets(len(members)) for members in factions]
    pairs = _positive_pairs(ties, set(keys))
    centres = _place_clusters(
        offsets, _chain(factions, pairs), span_x / cell_x, span_y / cell_y, crowded=squeeze < 1
    )
    faction_of = {key: f for f, members in enumerate(factions) for key in members}
    pull: dict[str, tuple[float, float]] = {}
    for (a, b), strength in pairs.items():
        fa, fb = faction_of[a], faction_of[b]
        if fa == fb:
            continue
        dx, dy = centres[fb] - centres[fa]
        length = math.hypot(dx, dy) or 1.0
        for key, sign in ((a, 1.0), (b, -1.0)):
            px, py = pull.get(key, (0.0, 0.0))
            pull[key] = (px + sign * strength * dx / length, py + sign * strength * dy / length)
    offsets = [_face(members, offsets[f], pull) for f, members in enumerate(factions)]

    # Level 2: members around their cluster's centre.
    origin_x, origin_y = float(x_low.min()), float(y_low.min())
    x = np.empty(len(keys))
    y = np.empty(len(keys))
    i = 0
    for f, slots in enumerate(offsets):
        for dx, dy in slots:
            x[i] = origin_x + (centres[f, 0] + dx) * cell_x
            y[i] = origin_y + (centres[f, 1] + dy) * cell_y
            i += 1
    x, y = np.clip(x, x_low, x_high), np.clip(y, y_low, y_high)
    x, y = _separate_boxes(x, y, half_width, top, bottom, bounds)
    x, y = _separate_circles(x, y, radius, bounds)
    x, y = np.round(x, 2), np.round(y, 2)
    if (_circle_overlap(x, y, radius, *_pairs(len(keys))) > 0.01).any():
        grid = _grid(
            len(keys),
            float(x_low.min()),
            float(x_high.max()),
            float(y_low.max()),
            float(y_high.min()),
        )
        x = np.round(np.array([p[0] for p in grid]), 2)
        y = np.round(np.array([p[1] for p in grid]), 2)
    for k, px, py in zip(keys, x.tolist(), y.tolist(), strict=True):
        positions[k] = (px, py)
    return {k: (round(px, 2), round(py, 2)) for k, (px, py) in sorted(positions.items())}
