"""Where each person's label (name, then role) goes on the stakeholder map, so that no
label ever covers another label or someone else's node. Pure Python; no Django.

:func:`map_plan` runs the layout (:func:`scoring.core.layout.layout`), then places the
labels one person at a time, most influential first (then by key), each at the first
free spot of:

1. below the node (where a reader looks first), above it, to its right, to its left,
   then below or above it, shifted sideways;
2. the same spots with a shorter text: a shorter role, the first name and the last
   name's initial ("Alexandra K."), the name alone, then a name cut shorter. A short
   name that could stand for someone else in the group is never used.

A spot is free when the label's box (with its white halo) stays inside the canvas,
keeps off every node circle (brokers' rings and no-consent badges included), every label
already placed and the "No relationships yet" caption. When a label finds no free spot,
the picture is pulled taller (every node keeps its place across, moves down in proportion),
step by step; then the layout runs again keeping more room around each person, and is
pulled taller again; if that still fails, everyone goes into a plain grid where every
label fits below its own node. Everything is deterministic.

Guarantees (tested in ``tests/scoring/core/test_map_labels.py``, for groups of 2 to 40 people
at both drawing widths): no two label boxes overlap, no label overlaps a node, every
label lies inside the canvas, and the labels keep the font sizes of the ``LabelStyle``.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from scoring.core.graph import MAX_LEVEL, MIN_LEVEL, GraphInsights, Person, Tie
from scoring.core.layout import layout
from scoring.core.layout_sizes import (
    LABEL_GAP,
    MARGIN,
    LabelStyle,
    _top_extent,
    label_offset,
    outer_radius,
)
from scoring.core.text_width import text_width

Box = tuple[float, float, float, float]  # left, top, right, bottom

HALO = 2.0  # the white outline drawn around label text, and a hair of air
GAP = 1.0  # between a label and a node, another label or the edge of the canvas
INSET = MARGIN / 2  # labels stay this far inside the canvas
CAPTION = "No relationships yet"
_CAPTION_ABOVE = 40.0  # the caption's line sits this far above the first unconnected row
_STRETCH = (1.0, 1.2, 1.45, 1.75, 2.1, 2.5)  # the picture pulled taller, top to bottom


@dataclass(frozen=True)
class PlacedLabel:
    name: str  # the lines as drawn (maybe shortened); role is "" when not drawn
    role: str
    x: float  # where the text is anchored
    anchor: str  # "middle", "start" or "end" (SVG text-anchor)
    top: float  # top of the name line
    box: Box


@dataclass(frozen=True)
class MapPlan:
    positions: dict[str, tuple[float, float]]  # node centres
    labels: dict[str, PlacedLabel]
    height: float  # the canvas height used (may have grown)
    caption_top: float | None  # the "No relationships yet" line, when drawn


def clip(text: str, limit: int) -> str:
    """Whitespace collapsed; longer than ``limit`` characters: cut with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "\u2026"


def short_name(name: str) -> str:
    """The first name and the last name's initial: "Alexandra Kowalski" -> "Alexandra K."."""
    words = str(name).split()
    if len(words) < 2:
        return " ".join(words)
    return f"{words[0]} {words[-1][0]}."


def _names(name: str, labels: LabelStyle) -> list[str]:
    """A name as it may be shown, longest first."""
    short, limit = short_name(name), labels.max_chars
    shorter = max(6, limit * 2 // 3)
    return [clip(name, limit), clip(short, limit), clip(short, shorter), clip(short, 5)]


def _shortenings(names: Iterable[str], labels: LabelStyle) -> dict[str, set[str]]:
    """Each shortened name -> the full names it may stand for."""
    meaning: dict[str, set[str]] = {}
    for name in names:
        for shown in _names(name, labels):
            meaning.setdefault(shown, set()).add(name)
    return meaning


def _texts(
    name: str, role: str, labels: LabelStyle, meaning: Mapping[str, set[str]]
) -> list[tuple[str, str]]:
    """The texts to try, longest first (duplicates removed). A shortened name that could
    stand for someone else too ("Member 0." for "Member 007" and "Member 000") is never
    used: the layout makes room instead."""
    full, short, shorter, shortest = _names(name, labels)
    limit = labels.max_chars
    role_short = clip(role, max(6, limit * 2 // 3))
    options = [
        (full, clip(role, limit)),
        (full, role_short),
        (short, clip(role, limit)),
        (short, role_short),
        (full, ""),
        (short, ""),
        (shorter, ""),
        (shortest, ""),
    ]
    seen: list[tuple[str, str]] = []
    for option in options:
        clear = option[0] == full or meaning.get(option[0], set()) <= {name}
        if clear and option not in seen:
            seen.append(option)
    return seen


def label_height(labels: LabelStyle, *, role: bool) -> float:
    """From the top of the name line to the bottom of the label (one line or two)."""
    return labels.height if role else labels.name_size * 1.25


def label_width(name: str, role: str, labels: LabelStyle) -> float:
    return max(
        text_width(name, labels.name_size, bold=True),
        text_width(role, labels.role_size, bold=False) if role else 0.0,
    )


@dataclass(frozen=True)
class _Node:
    x: float
    y: float
    radius: float  # the ring a label keeps out of: node, broker ring and badge
    below: float  # from the centre to where a label below starts
    side: float  # from the centre to where a label beside starts


def _node(x: float, y: float, influence: int, broker: bool) -> _Node:
    extent = _top_extent(influence, broker=broker)
    return _Node(
        x,
        y,
        extent,
        max(label_offset(influence, broker=broker), extent + GAP + HALO + 0.5),
        max(outer_radius(influence, broker=broker), extent) + LABEL_GAP,
    )


def _spots(
    node: _Node, width: float, height: float, *, below_only: bool
) -> Iterable[tuple[float, str, float]]:
    """(anchor x, text-anchor, top) of each spot, for a label ``width`` x ``height``."""
    x, y = node.x, node.y
    above = y - node.radius - LABEL_GAP - height
    yield x, "middle", y + node.below
    if below_only:
        return
    yield x, "middle", above
    yield x + node.side, "start", y - height / 2
    yield x - node.side, "end", y - height / 2
    for shift in (0.3, 0.5):
        for sign in (1, -1):
            yield x + sign * shift * width, "middle", y + node.below
            yield x + sign * shift * width, "middle", above


def _box(x: float, anchor: str, top: float, width: float, height: float) -> Box:
    left = {"middle": x - width / 2, "start": x, "end": x - width}[anchor]
    return (left - HALO, top - HALO, left + width + HALO, top + height + HALO)


def _boxes_overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] + GAP and b[0] < a[2] + GAP and a[1] < b[3] + GAP and b[1] < a[3] + GAP


def _box_hits_circle(box: Box, x: float, y: float, radius: float) -> bool:
    nearest_x = min(max(x, box[0]), box[2])
    nearest_y = min(max(y, box[1]), box[3])
    return math.hypot(x - nearest_x, y - nearest_y) < radius + GAP


def place_labels(
    nodes: Mapping[str, _Node],
    texts: Mapping[str, tuple[str, str]],
    order: Sequence[str],
    *,
    width: float,
    height: float,
    labels: LabelStyle,
    reserved: Sequence[Box] = (),
    below_only: bool = False,
) -> dict[str, PlacedLabel] | None:
    """A free spot for every label, in ``order``; None when some label finds none."""
    placed: dict[str, PlacedLabel] = {}
    meaning = _shortenings((texts[key][0] for key in order), labels)
    taken = list(reserved)
    circles = [(n.x, n.y, n.radius) for n in nodes.values()]
    for key in order:
        found = None
        name, role = texts[key]
        for shown_name, shown_role in _texts(name, role, labels, meaning):
            w = label_width(shown_name, shown_role, labels)
            h = label_height(labels, role=bool(shown_role))
            for x, anchor, top in _spots(nodes[key], w, h, below_only=below_only):
                box = _box(x, anchor, top, w, h)
                if (
                    box[0] >= INSET
                    and box[1] >= INSET
                    and box[2] <= width - INSET
                    and box[3] <= height - INSET
                    and not any(_boxes_overlap(box, other) for other in taken)
                    and not any(_box_hits_circle(box, *circle) for circle in circles)
                ):
                    found = PlacedLabel(shown_name, shown_role, x, anchor, top, box)
                    break
            if found:
                break
        if found is None:
            return None
        placed[key] = found
        taken.append(found.box)
    return placed


# --------------------------------------------------------------------------- the plan


def _caption(
    positions: Mapping[str, tuple[float, float]], isolated: set[str], labels: LabelStyle
) -> tuple[float | None, list[Box]]:
    if not isolated or len(isolated) == len(positions):
        return None, []
    top = min(positions[k][1] for k in isolated) - _CAPTION_ABOVE
    right = MARGIN + text_width(CAPTION, labels.role_size, bold=False)
    return top, [(MARGIN - HALO, top, right + HALO, top + 13 + 0.3 * labels.role_size)]


def _levels(people: Sequence[Person]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for person in people:
        level = min(MAX_LEVEL, max(MIN_LEVEL, int(person.influence)))
        levels[person.key] = max(level, levels.get(person.key, MIN_LEVEL))
    return levels


def _grid(
    levels: Mapping[str, int],
    brokers: set[str],
    insights: GraphInsights,
    texts: Mapping[str, tuple[str, str]],
    *,
    width: float,
    labels: LabelStyle,
) -> tuple[dict[str, tuple[float, float]], float]:
    """The last resort: one cell per person, faction by faction, each full label below its
    own node in its own cell (a cell is as wide as the widest label)."""
    rank = {k: f for f, faction in enumerate(insights.factions) for k in faction}
    keys = sorted(levels, key=lambda k: (rank.get(k, len(rank)), -levels[k], k))
    widest = max(
        label_width(clip(name, labels.max_chars), clip(role, labels.max_chars), labels)
        for name, role in texts.values()
    )
    cell = max(widest, 2 * _top_extent(MAX_LEVEL, broker=True)) + 2 * HALO + 2 * GAP + 1.0
    columns = max(1, int((width - 2 * MARGIN) // cell))
    cell_x = (width - 2 * MARGIN) / columns
    top = max(_top_extent(MAX_LEVEL, broker=True), _top_extent(MIN_LEVEL, broker=True))
    cell_y = top + label_offset(MAX_LEVEL, broker=True) + labels.height + 4 * HALO + 2 * GAP
    positions = {}
    for i, key in enumerate(keys):
        row, column = divmod(i, columns)
        positions[key] = (MARGIN + (column + 0.5) * cell_x, MARGIN + top + 2 + row * cell_y)
    rows = math.ceil(len(keys) / columns)
    return positions, float(math.ceil(2 * MARGIN + rows * cell_y + 4))


# Plans a process remembers (`map_plan`): a page draws its map at two widths, and again
# after each write to its group, most of which (a touch, a send) leave the map as it was.
PLANS_REMEMBERED = 128


def map_plan(
    people: Sequence[Person],
    ties: Sequence[Tie],
    insights: GraphInsights,
    names: Mapping[str, str],
    *,
    width: float,
    height: float,
    labels: LabelStyle,
) -> MapPlan:
    """Node positions and label spots for the map (see the module docstring).

    ``names``: each person's name by key (their role is ``Person.role``). Remembered by
    all it reads (the layout is most of the time of drawing a map): the plan is shared,
    read it, never change it."""
    key = (tuple(people), tuple(ties), insights, tuple(names.items()), width, height, labels)
    try:
        hash(key)
    except TypeError:  # something unhashable given: planned afresh
        return _plan(people, ties, insights, names, width=width, height=height, labels=labels)
    return _remembered_plan(*key)


@lru_cache(maxsize=PLANS_REMEMBERED)
def _remembered_plan(people, ties, insights, names, width, height, labels) -> MapPlan:
    return _plan(people, ties, insights, dict(names), width=width, height=height, labels=labels)


def _plan(
    people: Sequence[Person],
    ties: Sequence[Tie],
    insights: GraphInsights,
    names: Mapping[str, str],
    *,
    width: float,
    height: float,
    labels: LabelStyle,
) -> MapPlan:
    levels = _levels(people)
    if not levels:
        return MapPlan({}, {}, float(height), None)
    roles: dict[str, str] = {}
    for person in sorted(people, key=lambda p: (p.key, str(p.role))):
        roles.setdefault(person.key, str(person.role or ""))
    texts = {k: (str(names.get(k) or k), roles.get(k, "")) for k in levels}
    brokers = set(insights.brokers) & levels.keys()
    isolated = set(insights.isolated) & levels.keys()
    order = sorted(levels, key=lambda k: (-levels[k], k))
    roomy = replace(labels, width=labels.width * 1.35, height=labels.height + 10.0)
    for more_room in (False, True):
        room = roomy if more_room else labels
        laid = layout(people, ties, insights, width=width, height=height, labels=room)
        for stretch in _STRETCH:
            canvas = float(math.ceil(height * stretch))
            positions = {k: (x, round(y * stretch, 2)) for k, (x, y) in laid.items()}
            nodes = {k: _node(*positions[k], levels[k], k in brokers) for k in levels}
            caption_top, reserved = _caption(positions, isolated, labels)
            placed = place_labels(
                nodes, texts, order, width=width, height=canvas, labels=labels, reserved=reserved
            )
            if placed is not None:
                return MapPlan(positions, placed, canvas, caption_top)
    positions, canvas = _grid(levels, brokers, insights, texts, width=width, labels=labels)
    nodes = {k: _node(*positions[k], levels[k], k in brokers) for k in levels}
    placed = place_labels(
        nodes, texts, order, width=width, height=canvas, labels=labels, below_only=True
    )
    if placed is None:  # pragma: no cover - every cell holds its label (tested)
        raise AssertionError("a label does not fit its grid cell")
    return MapPlan(positions, placed, canvas, None)
