"""Where people sit on the stakeholder map: determinism, stability, no overlaps, bounds."""

import math
import random
from itertools import combinations, pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.graph import CONFLICT, POSITIVE_KINDS, Person, Tie, analyze_graph
from scoring.core.layout import layout
from scoring.core.layout_sizes import (
    BADGE_RADIUS,
    MARGIN,
    MAX_RADIUS,
    PADDING,
    label_offset,
    label_style,
    node_radius,
    outer_radius,
)

KINDS = (*POSITIVE_KINDS, CONFLICT)
WIDTH, HEIGHT = 960, 600


def place(people, ties, width=WIDTH, height=HEIGHT):
    return layout(people, ties, analyze_graph(people, ties), width=width, height=height)


def keys(n, prefix="p"):
    return [f"{prefix}{i:02d}@buyer.test" for i in range(n)]


def random_group(seed, n, ties_per_person=1.5, isolated=0):
    rnd = random.Random(seed)
    names = keys(n)
    people = [Person(k, rnd.randint(1, 5)) for k in names]
    linked = names[: n - isolated]
    ties = []
    if len(linked) >= 2:
        for _ in range(round(ties_per_person * len(linked))):
            a, b = rnd.sample(linked, 2)
            ties.append(Tie(a, b, rnd.choice(KINDS), rnd.randint(1, 5)))
    return people, ties


def two_factions(n_each=5):
    left, right = keys(n_each, "l"), keys(n_each, "r")
    people = [Person(k, 1 + i % 5) for i, k in enumerate(left + right)]
    ties = [Tie(a, b, "collaborates", 4) for a, b in combinations(left, 2)]
    ties += [Tie(a, b, "reports_to", 4) for a, b in combinations(right, 2)]
    ties.append(Tie(left[0], right[0], "influences", 1))
    return people, ties, left, right


# -------------------------------------------------------------------- geometry


def influence_of(people):
    levels = {}
    for p in people:
        levels[p.key] = max(levels.get(p.key, 1), min(5, max(1, p.influence)))
    return levels


def boxes(people, ties, positions, *, width=WIDTH, height=HEIGHT):
    """Per person: (x, y, ring radius, top of everything drawn, label box)."""
    insights = analyze_graph(people, ties)
    brokers = set(insights.brokers)
    levels = influence_of(people)
    labels = label_style(len(levels))
    result = {}
    for key, (x, y) in positions.items():
        level, broker = levels[key], key in brokers
        radius = outer_radius(level, broker=broker)
        top = y - max(radius, node_radius(level) * math.sqrt(0.5) + BADGE_RADIUS)
        label_top = y + label_offset(level, broker=broker)
        label = (x - labels.width / 2, label_top, x + labels.width / 2, label_top + labels.height)
        result[key] = (x, y, radius, top, label)
    return result


def circles_apart(people, ties, positions):
    shapes = boxes(people, ties, positions)
    for a, b in combinations(sorted(shapes), 2):
        xa, ya, ra, *_ = shapes[a]
        xb, yb, rb, *_ = shapes[b]
        assert math.hypot(xa - xb, ya - yb) >= ra + rb + PADDING - 0.02, (a, b)


def inside_canvas(people, ties, positions, width=WIDTH, height=HEIGHT):
    for key, (x, _, radius, top, label) in boxes(people, ties, positions).items():
        left, _, right, bottom = label
        assert left >= MARGIN and right <= width - MARGIN, key
        assert x - radius >= MARGIN and x + radius <= width - MARGIN, key
        assert top >= MARGIN and bottom <= height - MARGIN, key


def rectangles_meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def circle_meets_rectangle(x, y, r, box):
    nearest_x = min(max(x, box[0]), box[2])
    nearest_y = min(max(y, box[1]), box[3])
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < r * r


# ----------------------------------------------------------------- strategies


@st.composite
def groups(draw, max_people=50):
    n = draw(st.integers(1, max_people))
    people = [Person(k, draw(st.integers(1, 5))) for k in keys(n)]
    ties = draw(
        st.lists(
            st.builds(
                Tie,
                st.sampled_from([p.key for p in people]),
                st.sampled_from([p.key for p in people]),
                st.sampled_from(KINDS),
                st.integers(1, 5),
            ),
            max_size=3 * n,
        )
    )
    return people, ties


# ------------------------------------------------------------------------ tests


def test_an_empty_group_has_no_positions():
    assert place([], []) == {}


def test_everyone_gets_one_position_even_when_listed_twice():
    people = [Person("a", 2), Person("b", 3), Person("a", 5)]
    positions = place(people, [Tie("a", "b", "reports_to")])
    assert set(positions) == {"a", "b"}
    assert all(isinstance(v, float) for xy in positions.values() for v in xy)


@settings(max_examples=60, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_input_order_and_repeated_ties_never_change_the_coordinates(group, rnd):
    people, ties = group
    positions = place(people, ties)
    shuffled_people = people[:]
    rnd.shuffle(shuffled_people)
    shuffled_ties = ties + ties[: len(ties) // 2]
    rnd.shuffle(shuffled_ties)
    assert place(shuffled_people, shuffled_ties) == positions
    assert place(people, ties) == positions  # and twice in a row


@settings(max_examples=80, deadline=None)
@given(groups())
def test_nodes_never_overlap_and_everything_stays_on_the_canvas(group):
    people, ties = group
    positions = place(people, ties)
    circles_apart(people, ties, positions)
    inside_canvas(people, ties, positions)


def test_fifty_people_in_every_shape_do_not_overlap():
    names = keys(50)
    big = [Person(k, 5) for k in names]
    shapes = {
        "everyone tied to everyone": [
            Tie(a, b, "collaborates", 3) for a, b in combinations(names, 2)
        ],
        "one manager": [Tie(k, names[0], "reports_to", 3) for k in names[1:]],
        "only conflicts": [Tie(a, b, CONFLICT) for a, b in pairwise(names)],
        "pairs": [Tie(a, b, "influences") for a, b in zip(names[::2], names[1::2], strict=True)],
        "nobody tied": [],
        "half tied": [Tie(a, b, "collaborates") for a, b in combinations(names[:25], 2)],
    }
    for name, ties in shapes.items():
        positions = place(big, ties)
        assert len(positions) == 50, name
        circles_apart(big, ties, positions)
        inside_canvas(big, ties, positions)
    for seed in range(10):
        people, ties = random_group(seed, 50, isolated=seed % 7)
        positions = place(people, ties)
        circles_apart(people, ties, positions)
        inside_canvas(people, ties, positions)


def test_other_canvas_sizes_keep_everything_inside():
    for width, height in ((640, 420), (1280, 800), (800, 800)):
        for seed in range(5):
            people, ties = random_group(seed, 10, isolated=seed % 3)
            positions = place(people, ties, width, height)
            circles_apart(people, ties, positions)
            inside_canvas(people, ties, positions, width, height)


def test_labels_of_a_typical_group_overlap_nothing():
    for seed in range(60):
        rnd = random.Random(seed)
        people, ties = random_group(seed, rnd.randint(2, 12), rnd.uniform(0, 3), rnd.randint(0, 2))
        shapes = boxes(people, ties, place(people, ties))
        for a, b in combinations(sorted(shapes), 2):
            assert not rectangles_meet(shapes[a][4], shapes[b][4]), (seed, a, b)
        for a in shapes:
            for b in shapes:
                if a != b:
                    x, y, r, *_ = shapes[b]
                    assert not circle_meets_rectangle(x, y, r, shapes[a][4]), (seed, a, b)


def test_people_without_relationships_sit_in_a_row_below_everyone_else():
    people, ties, left, right = two_factions()
    loners = [Person("z1@buyer.test", 5), Person("z2@buyer.test", 1), Person("z3@buyer.test", 3)]
    everyone = people + loners
    shapes = boxes(everyone, ties, place(everyone, ties))
    lowest_connected = max(shapes[k][4][3] for k in left + right)
    rows = {shapes[p.key][1] for p in loners}
    assert len(rows) == 1  # one row
    assert all(shapes[p.key][3] > lowest_connected for p in loners)
    # Left to right by influence, then key.
    xs = [shapes[k][0] for k in ("z1@buyer.test", "z3@buyer.test", "z2@buyer.test")]
    assert xs == sorted(xs)


def test_a_group_with_no_relationships_is_laid_out_as_centred_rows():
    people = [Person(k, 3) for k in keys(6)]
    positions = place(people, [])
    ys = {y for _, y in positions.values()}
    assert len(ys) == 1
    xs = sorted(x for x, _ in positions.values())
    assert math.isclose((xs[0] + xs[-1]) / 2, WIDTH / 2, abs_tol=0.05)
    assert abs(ys.pop() - HEIGHT / 2) < MAX_RADIUS + 40


def test_adding_a_person_without_relationships_moves_nobody_who_has_one():
    people, ties, left, right = two_factions()
    before = place([*people, Person("m@buyer.test", 2)], ties)
    after = place([*people, Person("m@buyer.test", 2), Person("k@buyer.test", 4)], ties)
    for key in left + right:
        assert after[key] == before[key], key
    # The existing loner keeps its row and moves at most one slot.
    (x0, y0), (x1, y1) = before["m@buyer.test"], after["m@buyer.test"]
    assert y0 == y1
    assert abs(x1 - x0) <= label_style(12).width + 10


def test_adding_a_person_to_one_faction_leaves_the_layout_recognisable():
    people, ties, left, right = two_factions()
    before = place(people, ties)
    newcomer = "r99@buyer.test"
    after = place([*people, Person(newcomer, 1)], [*ties, Tie(newcomer, right[1], "reports_to", 2)])
    moved = [math.dist(before[k], after[k]) for k in left + right]
    # Most people stay within a node's width of where they were.
    assert sorted(moved)[len(moved) // 2] < 2 * MAX_RADIUS


def test_factions_are_drawn_as_groups():
    people, ties, left, right = two_factions()
    positions = place(people, ties)

    def mean_distance(pairs):
        pairs = list(pairs)
        return sum(math.dist(positions[a], positions[b]) for a, b in pairs) / len(pairs)

    within = mean_distance([*combinations(left, 2), *combinations(right, 2)])
    across = mean_distance((a, b) for a in left for b in right)
    assert within * 1.5 < across


def test_the_most_influential_member_sits_in_the_middle_of_a_faction():
    names = keys(5)
    people = [Person(k, 5 if k == names[3] else 2) for k in names]
    ties = [Tie(a, b, "collaborates", 3) for a, b in combinations(names, 2)]
    positions = place(people, ties)
    cx = sum(x for x, _ in positions.values()) / 5
    cy = sum(y for _, y in positions.values()) / 5
    distance = {k: math.dist(positions[k], (cx, cy)) for k in names}
    assert min(distance, key=distance.get) == names[3]
