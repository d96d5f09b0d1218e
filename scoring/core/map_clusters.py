"""Big groups on the stakeholder map: one circle per faction instead of one per person.

Pure Python; no Django. :func:`cluster_groups` decides who goes in which circle and
:func:`cluster_layout` where the circles sit: a grid, row by row, biggest faction first,
so nothing overlaps however many factions there are and the canvas grows downwards with
the group. Each circle's area grows with its number of people; under it sit three label
lines (the faction, its size, its most influential people).

Guarantees (tested in ``tests/scoring/core/test_map_clusters.py``):

* Everyone is in exactly one cluster; the same people and factions always give the same
  clusters and coordinates.
* Every faction of at least ``MIN_CLUSTER`` people is a cluster of its own, numbered 1, 2,
  ... in the order of ``insights.factions`` (biggest first); everyone else (smaller
  factions and people with no relationships) shares one last cluster, number 0.
* No two circles, and no two label boxes, overlap; everything lies inside the canvas.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_CLUSTER = 3  # smaller factions join "everyone else"
EVERYONE_ELSE = 0  # the number of the cluster of everyone else
_MARGIN = 8.0
_GAP = 8.0  # between two cells of the grid
_LABEL_GAP = 6.0  # from the circle to its labels
_ROW_GAP = 18.0
_MIN_RADIUS = 16.0


@dataclass(frozen=True)
class ClusterLabels:
    """The three label lines under each circle (font sizes in drawing units)."""

    width: float  # the widest a line can be
    line: float  # height of one line
    title_size: float
    text_size: float
    max_chars: int


WIDE_CLUSTER_LABELS = ClusterLabels(
    width=116.0, line=16.0, title_size=13.0, text_size=12.0, max_chars=15
)
NARROW_CLUSTER_LABELS = ClusterLabels(
    width=100.0, line=17.0, title_size=13.5, text_size=12.5, max_chars=13
)


@dataclass(frozen=True)
class Cluster:
    number: int  # 1, 2, ... for a faction; EVERYONE_ELSE for everyone else
    keys: tuple[str, ...]  # most influential first, then by key
    factions: int  # how many factions it holds (everyone else: several small ones)


@dataclass(frozen=True)
class PlacedCluster:
    cluster: Cluster
    x: float  # circle centre
    y: float
    radius: float
    label_top: float  # the three label lines start here, centred on x


@dataclass(frozen=True)
class ClusterMap:
    clusters: tuple[PlacedCluster, ...]
    width: float
    height: float
    labels: ClusterLabels


def cluster_groups(
    factions: Iterable[Sequence[str]], influence: Mapping[str, int]
) -> tuple[Cluster, ...]:
    """Clusters for everyone in ``influence`` (key -> influence 1..5): each faction of
    ``MIN_CLUSTER`` or more known people is one, in the given order; everyone else (small
    factions, people in no faction) is one last cluster."""

    def order(key: str) -> tuple[int, str]:
        return (-int(influence[key]), key)

    seen: set[str] = set()
    clusters: list[Cluster] = []
    small = 0
    for faction in factions:
        members = sorted({k for k in faction if k in influence and k not in seen}, key=order)
        seen.update(members)
        if len(members) >= MIN_CLUSTER:
            clusters.append(Cluster(len(clusters) + 1, tuple(members), 1))
        elif members:
            small += 1
    drawn = {key for cluster in clusters for key in cluster.keys}
    rest = sorted((k for k in influence if k not in drawn), key=order)
    if rest:
        alone = sum(1 for k in influence if k not in seen)  # each their own "faction"
        clusters.append(Cluster(EVERYONE_ELSE, tuple(rest), small + alone))
    return tuple(clusters)


def cluster_layout(
    clusters: Sequence[Cluster], *, width: float, labels: ClusterLabels
) -> ClusterMap:
    """Circles in a grid as wide as the canvas allows, row by row in the given order; the
    height is what the rows need."""
    cell = labels.width + _GAP
    columns = max(1, int((width - 2 * _MARGIN) // cell))
    left = (width - columns * cell) / 2
    # Areas in proportion to the factions' sizes; everyone else is never drawn bigger
    # than the biggest faction (it is not one).
    biggest = max((len(c.keys) for c in clusters if c.number != EVERYONE_ELSE), default=1)
    largest = max(_MIN_RADIUS, min(cell / 2 - 6.0, 44.0))
    placed: list[PlacedCluster] = []
    top = _MARGIN
    for start in range(0, len(clusters), columns):
        row = clusters[start : start + columns]
        radii = [
            max(_MIN_RADIUS, largest * math.sqrt(min(1.0, len(c.keys) / biggest))) for c in row
        ]
        tallest = max(radii)
        centre_y = top + tallest + 2.0
        label_top = centre_y + tallest + _LABEL_GAP
        for column, (cluster, radius) in enumerate(zip(row, radii, strict=True)):
            placed.append(
                PlacedCluster(
                    cluster=cluster,
                    x=round(left + (column + 0.5) * cell, 2),
                    y=round(centre_y, 2),
                    radius=round(radius, 2),
                    label_top=round(label_top, 2),
                )
            )
        top = label_top + 3 * labels.line + _ROW_GAP
    height = math.ceil(top - _ROW_GAP + _MARGIN) if placed else 0
    return ClusterMap(tuple(placed), float(width), float(height), labels)
