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

Guarantees (tested in ``tests/scoring/core/test_layout.py``):

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

import numpy as np

from scoring.core.graph import MAX_LEVEL, MIN_LEVEL, GraphInsights, Person, Tie
from scoring.core.layout_relaxation import (
    _chain,
    _circle_overlap,
    _cluster_offsets,
    _disc,
    _face,
    _grid,
    _pairs,
    _positive_pairs,
    _separate_boxes,
    _separate_circles,
    _separate_discs,
)
from scoring.core.layout_sizes import (
    _CAPTION,
    _CLUSTER_GAP,
    _MAX_ZOOM,
    MARGIN,
    MAX_RADIUS,
    PADDING,
    LabelStyle,
    _Cells,
    _top_extent,
    label_offset,
    label_style,
    outer_radius,
)

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
    labels: LabelStyle | None = None,
) -> dict[str, tuple[float, float]]:
    """Canvas coordinates (node centres, in pixels) for every person, keyed by key.

    ``labels`` is the label style the map will be drawn with (default: by group size,
    :func:`~scoring.core.layout_sizes.label_style`); the layout keeps room for it.

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

    labels = labels or label_style(len(influence))
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
