"""Stakeholder map layout, the clusters and the relaxation: where factions sit relative to
each other and how overlapping people are pushed apart. Pure Python plus numpy; no
Django. See scoring.core.layout for the whole method.
"""

import math
from collections.abc import Sequence

import numpy as np

from scoring.core.graph import CONFLICT, MAX_LEVEL, MIN_LEVEL, Tie
from scoring.core.layout_sizes import _BOX_STEPS, _CIRCLE_STEPS, _DISC_STEPS, _GOLDEN_ANGLE, PADDING

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
        moved_x = np.clip(
            x + np.bincount(hj, push_x, count) - np.bincount(hi, push_x, count), x_low, x_high
        )
        moved_y = np.clip(
            y + np.bincount(hj, push_y, count) - np.bincount(hi, push_y, count), y_low, y_high
        )
        if moved_x.tobytes() == x.tobytes() and moved_y.tobytes() == y.tobytes():
            break  # the bounds hold everyone where they are: every step left would too
        x, y = moved_x, moved_y
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
