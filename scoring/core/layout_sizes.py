"""Sizes on the stakeholder map: node radii, broker rings, label boxes and the cell grid
the layout places people on. Pure Python; no Django.
"""

import math
from dataclasses import dataclass

from scoring.core.graph import MAX_LEVEL, MIN_LEVEL

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


_CAPTION = 18.0  # room above the bottom rows for a caption


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


_CLUSTER_GAP = 1.0  # cells between two clusters
_MAX_ZOOM = 1.2  # small groups get roomier cells
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))
_DISC_STEPS = 30
_BOX_STEPS = 60
_CIRCLE_STEPS = 60


# The group page draws the map twice, for the width it will be shown at (one unit is
# about one CSS pixel there), with labels that stay at least 11 px on screen: a wide
# drawing for desktops and tablets (shown 600 to about 820 px wide) and a narrow one for
# phones (shown about 280 to 480 px wide). Label widths are max_chars at 0.6 em.
WIDE_WIDTH = 640.0
NARROW_WIDTH = 340.0
WIDE_LABELS = LabelStyle(width=141.0, height=32.0, name_size=13.0, role_size=12.0, max_chars=18)
NARROW_LABELS = LabelStyle(width=118.0, height=34.0, name_size=14.0, role_size=13.0, max_chars=14)
_ROOMY = 1.3  # extra area a grown canvas gives each person over the layout's own need


def canvas_height(
    people: int, isolated: int, *, width: float, labels: LabelStyle, minimum: float
) -> float:
    """A canvas height for ``people`` (``isolated`` of them without relationships) on a
    canvas ``width`` wide that lets the layout place everyone without squeezing: the map
    grows with the group instead of crowding it. Never less than ``minimum``."""
    cells = _Cells.of(labels)
    connected = max(0, people - isolated)
    height = 0.0
    if connected:
        span_x = max(width - 2 * MARGIN - labels.width, 1.0)
        needed = connected * cells.cell_x * cells.cell_y * 1.15 * _ROOMY
        span_y = max(needed / (span_x + cells.cell_x) - cells.cell_y, 0.0)
        top = _top_extent(MAX_LEVEL, broker=True)
        bottom = label_offset(MAX_LEVEL, broker=True) + labels.height
        height = span_y + top + bottom + 2 * MARGIN
    if isolated:
        per_row = max(1, int((width - 2 * MARGIN) // cells.slot_width))
        rows = math.ceil(isolated / per_row)
        strip = rows * cells.row_height + _CAPTION + 2 * MARGIN
        # The rows may take 45% of a canvas that also holds connected people.
        height = max(height + strip, (strip / 0.45) if connected else strip)
    return float(math.ceil(max(minimum, height)))
