"""Big groups drawn as one circle per faction: who is in which circle, where the circles
sit (hand-checked), and that nothing overlaps at 200 members."""

import math
from itertools import combinations

from bench.group_spec import group_spec
from scoring.core.graph import Person, Tie, analyze_graph
from scoring.core.layout_sizes import (
    NARROW_LABELS,
    NARROW_WIDTH,
    WIDE_LABELS,
    WIDE_WIDTH,
    canvas_height,
)
from scoring.core.map_clusters import (
    EVERYONE_ELSE,
    NARROW_CLUSTER_LABELS,
    WIDE_CLUSTER_LABELS,
    ClusterLabels,
    cluster_groups,
    cluster_layout,
)

LABELS = ClusterLabels(width=92.0, line=16.0, title_size=13.0, text_size=12.0, max_chars=12)


def test_big_factions_are_circles_and_everyone_else_shares_the_last_one():
    influence = {"a": 5, "b": 1, "c": 3, "d": 2, "e": 2, "f": 4, "g": 1, "h": 1}
    factions = [("b", "a", "c"), ("d", "e", "f"), ("g",)]  # "h" has no faction at all
    clusters = cluster_groups(factions, influence)
    assert [(c.number, c.keys, c.factions) for c in clusters] == [
        (1, ("a", "c", "b"), 1),  # most influential first
        (2, ("f", "d", "e"), 1),
        (EVERYONE_ELSE, ("g", "h"), 2),  # the faction of one, and h on their own
    ]


def test_nobody_is_left_out_or_counted_twice():
    influence = dict.fromkeys("abcdefg", 3)
    factions = [("a", "b", "c", "a"), ("c", "d"), ("zz", "e", "f", "g")]
    clusters = cluster_groups(factions, influence)
    keys = [k for c in clusters for k in c.keys]
    assert sorted(keys) == sorted(influence)
    assert [c.keys for c in clusters] == [("a", "b", "c"), ("e", "f", "g"), ("d",)]


def test_circles_sit_in_a_grid_row_by_row_hand_checked():
    # Cells are 92 + 8 = 100 wide: a 320-wide canvas holds 3 columns, centred (10 px on
    # each side). The biggest faction (9 people) gets the largest radius, 44 (cell/2 - 6);
    # a faction of 4 gets 44 * sqrt(4/9) = 29.33; everyone else (16) is capped at 44.
    influence = {f"p{i:02d}": 3 for i in range(9 + 4 + 4 + 16)}
    keys = sorted(influence)
    factions = [keys[:9], keys[9:13], keys[13:17]]
    clusters = cluster_groups(factions, influence)
    drawn = cluster_layout(clusters, width=320, labels=LABELS)
    first, second, third, rest = drawn.clusters
    assert (first.x, second.x, third.x, rest.x) == (60.0, 160.0, 260.0, 60.0)
    assert (first.radius, second.radius, rest.radius) == (44.0, 29.33, 44.0)
    # Row 1: margin 8, circle centre 8 + 44 + 2 = 54, labels from 54 + 44 + 6 = 104.
    assert (first.y, second.y, first.label_top) == (54.0, 54.0, 104.0)
    # Row 2 starts after three label lines and a gap: 104 + 48 + 18 = 170.
    assert (rest.y, rest.label_top) == (170 + 46.0, 170 + 46.0 + 44 + 6)
    assert drawn.height == math.ceil(rest.label_top + 48 + 8)


def _boxes(drawn):
    for placed in drawn.clusters:
        circle = (placed.x - placed.radius, placed.y - placed.radius)
        circle += (placed.x + placed.radius, placed.y + placed.radius)
        half = drawn.labels.width / 2
        label = (placed.x - half, placed.label_top, placed.x + half)
        label += (placed.label_top + 3 * drawn.labels.line,)
        yield circle, label


def _meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def spec_group(members):
    spec = group_spec(members=members, ties=3 * members, touches=1, seed=members)
    people = [Person(p.email, p.influence, p.buying_role, p.stance) for p in spec.people]
    ties = [Tie(spec.people[a].email, spec.people[b].email, k, s) for a, b, k, s in spec.ties]
    return people, ties


def test_at_200_members_no_two_circles_or_labels_overlap_and_all_fit():
    people, ties = spec_group(200)
    insights = analyze_graph(people, ties)
    clusters = cluster_groups(insights.factions, {p.key: p.influence for p in people})
    assert 10 <= len(clusters) <= 30  # readable: not 200 nodes
    assert sum(len(c.keys) for c in clusters) == 200
    for width, labels in ((WIDE_WIDTH, WIDE_CLUSTER_LABELS), (NARROW_WIDTH, NARROW_CLUSTER_LABELS)):
        drawn = cluster_layout(clusters, width=width, labels=labels)
        shapes = list(_boxes(drawn))
        for (circle_a, label_a), (circle_b, label_b) in combinations(shapes, 2):
            assert not _meet(circle_a, circle_b)
            assert not _meet(label_a, label_b)
            assert not _meet(circle_a, label_b) and not _meet(label_a, circle_b)
        for circle, label in shapes:
            assert min(circle[0], label[0]) >= 0 and max(circle[2], label[2]) <= width
            assert circle[1] >= 0 and label[3] <= drawn.height


def test_the_canvas_grows_with_the_group():
    heights = [
        canvas_height(n, 0, width=WIDE_WIDTH, labels=WIDE_LABELS, minimum=400)
        for n in (4, 8, 20, 40)
    ]
    assert heights[0] == heights[1] == 400  # small groups keep the minimum
    assert heights[1] < heights[2] < heights[3]
    narrow = canvas_height(20, 0, width=NARROW_WIDTH, labels=NARROW_LABELS, minimum=420)
    assert narrow > heights[2]  # the same people need a taller phone drawing
    with_loners = canvas_height(20, 7, width=WIDE_WIDTH, labels=WIDE_LABELS, minimum=400)
    assert with_loners > canvas_height(13, 0, width=WIDE_WIDTH, labels=WIDE_LABELS, minimum=400)
