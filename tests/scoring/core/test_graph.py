"""Property and example tests for the stakeholder-map analysis (no Django needed)."""

import math
import random
from itertools import combinations

import networkx as nx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.core.graph import (
    CONFLICT,
    POSITIVE_KINDS,
    GraphInsights,
    Person,
    Tie,
    analyze_graph,
    indistinguishable_people,
    missing_roles,
)

KINDS = (*POSITIVE_KINDS, CONFLICT)


def clique(keys, kind="collaborates", strength=3):
    return [Tie(a, b, kind, strength) for a, b in combinations(keys, 2)]


def people_of(keys, influence=3):
    return [Person(k, influence) for k in keys]


def faction_of(result: GraphInsights, key: str) -> int:
    return next(i for i, f in enumerate(result.factions) if key in f)


# ------------------------------------------------------------------ strategies


@st.composite
def groups(draw, max_people=9):
    n = draw(st.integers(0, max_people))
    keys = [f"p{i}@acme.test" for i in range(n)]
    people = [Person(k, draw(st.integers(1, 5))) for k in keys]
    ties = []
    if n:
        ties = draw(
            st.lists(
                st.builds(
                    Tie,
                    st.sampled_from(keys),
                    st.sampled_from(keys),
                    st.sampled_from(KINDS),
                    st.integers(1, 5),
                ),
                max_size=3 * n,
            )
        )
    return people, ties


def relabel(people, ties, mapping):
    return (
        [Person(mapping[p.key], p.influence, p.role, p.stance) for p in people],
        [Tie(mapping[t.source], mapping[t.target], t.kind, t.strength) for t in ties],
    )


def renamed(result: GraphInsights, mapping) -> dict:
    """The result renamed through mapping, as a dict of comparable parts."""
    return {
        "factions": {frozenset(mapping[k] for k in f) for f in result.factions},
        "brokers": tuple(mapping[k] for k in result.brokers),
        "most_influential": tuple(mapping[k] for k in result.most_influential),
        "centrality": {mapping[k]: v for k, v in result.centrality.items()},
        "betweenness": {mapping[k]: v for k, v in result.betweenness.items()},
        "isolated": {mapping[k] for k in result.isolated},
        "conflicts": {frozenset((mapping[a], mapping[b])) for a, b in result.conflicts},
    }


# ------------------------------------------------------------------ examples


def test_two_cliques_joined_by_one_person_give_two_factions_and_the_joiner_brokers():
    left = [f"a{i}" for i in range(5)]
    right = [f"b{i}" for i in range(5)]
    people = people_of([*left, *right, "joiner"])
    ties = [*clique(left), *clique(right)]
    ties += [Tie("joiner", "a0", "influences"), Tie("b3", "joiner", "reports_to")]

    result = analyze_graph(people, ties)

    real = [f for f in result.factions if len(f) > 1]
    assert len(real) == 2 and len(result.factions) == 2
    assert {frozenset(f) - {"joiner"} for f in real} == {frozenset(left), frozenset(right)}
    assert result.brokers[0] == "joiner"
    assert result.betweenness["joiner"] == max(result.betweenness.values())


def test_joiner_tied_to_everyone_in_both_cliques_is_still_the_first_broker():
    left = [f"a{i}" for i in range(4)]
    right = [f"b{i}" for i in range(4)]
    people = people_of([*left, *right, "joiner"])
    ties = [*clique(left), *clique(right)]
    ties += [Tie("joiner", k, "collaborates") for k in [*left, *right]]

    result = analyze_graph(people, ties)

    assert len(result.factions) == 2
    assert {frozenset(f) - {"joiner"} for f in result.factions} == {
        frozenset(left),
        frozenset(right),
    }
    assert result.brokers == ("joiner",)
    assert result.betweenness["joiner"] > 0


def test_conflict_inside_a_tight_team_splits_the_two_people_apart():
    # Everyone works closely with everyone: without the conflict this is one faction.
    team = ["ana", "ben", "cat", "dan", "eve", "fay"]
    people = people_of(team)
    ties = clique(team, strength=4)
    assert analyze_graph(people, ties).factions == (tuple(team),)

    result = analyze_graph(people, [*ties, Tie("ana", "dan", CONFLICT, 5)])

    assert faction_of(result, "ana") != faction_of(result, "dan")
    assert result.conflicts == (("ana", "dan"),)
    assert sorted(k for f in result.factions for k in f) == team


def test_conflict_between_two_camps_leaders_separates_the_camps():
    # Two camps each rallied around a leader, loosely linked by a shared colleague;
    # the leaders are in open conflict.
    people = people_of(["cfo", "fin1", "fin2", "cto", "eng1", "eng2", "pm"])
    ties = [
        *clique(["cfo", "fin1", "fin2"], strength=4),
        *clique(["cto", "eng1", "eng2"], strength=4),
        Tie("pm", "fin1", "collaborates", 2),
        Tie("pm", "eng1", "collaborates", 2),
        Tie("cfo", "cto", CONFLICT),
    ]
    result = analyze_graph(people, ties)
    assert faction_of(result, "cfo") != faction_of(result, "cto")
    assert {"cfo", "fin1", "fin2"} <= set(result.factions[faction_of(result, "cfo")])
    assert {"cto", "eng1", "eng2"} <= set(result.factions[faction_of(result, "cto")])


def test_isolated_people_are_singletons_listed_after_real_factions():
    people = [*people_of(["a", "b", "c"]), Person("zed", 5), Person("amy", 1)]
    ties = clique(["a", "b", "c"])
    result = analyze_graph(people, ties)
    assert result.factions == (("a", "b", "c"), ("zed",), ("amy",))
    assert result.isolated == ("amy", "zed")
    assert result.centrality["zed"] == 0.0
    assert result.brokers == ()


def test_person_with_only_a_conflict_is_not_isolated_but_has_no_centrality():
    people = people_of(["a", "b", "c"])
    result = analyze_graph(people, [Tie("a", "b", "collaborates"), Tie("c", "a", CONFLICT)])
    assert result.isolated == ()
    assert result.centrality["c"] == 0.0
    assert result.conflicts == (("a", "c"),)
    assert result.factions[0] == ("a", "b")


def test_centrality_favours_influence_and_peaks_at_one():
    # A star: the hub is the most central; of two otherwise equal leaves,
    # the more influential one ranks higher.
    people = [Person("hub", 3), Person("boss", 5), Person("intern", 1), Person("x", 3)]
    ties = [Tie("hub", k, "collaborates") for k in ("boss", "intern", "x")]
    result = analyze_graph(people, ties)
    assert result.centrality["hub"] == 1.0
    assert result.centrality["boss"] > result.centrality["x"] > result.centrality["intern"]
    assert result.most_influential == ("hub", "boss", "x")


def test_unknown_keys_self_loops_and_unknown_kinds_are_ignored():
    people = people_of(["a", "b"])
    noise = [
        Tie("a", "ghost", "collaborates"),
        Tie("ghost", "b", CONFLICT),
        Tie("a", "a", "reports_to", 5),
        Tie("a", "b", "likes", 5),
    ]
    assert analyze_graph(people, noise) == analyze_graph(people, [])
    result = analyze_graph(people, [*noise, Tie("a", "b", "collaborates")])
    assert result == analyze_graph(people, [Tie("b", "a", "collaborates")])


def test_duplicate_ties_keep_the_strongest():
    people = people_of(["a", "b", "c"])
    base = [Tie("a", "b", "collaborates", 5), Tie("b", "c", "collaborates", 1)]
    noisy = [*base, Tie("b", "a", "influences", 2), Tie("a", "b", "collaborates", 1)]
    assert analyze_graph(people, noisy) == analyze_graph(people, base)


def test_edgeless_graph():
    people = [Person("b", 2), Person("a", 5), Person("c", 5)]
    result = analyze_graph(people, [])
    assert result.factions == (("a",), ("c",), ("b",))
    assert result.isolated == ("a", "b", "c")
    assert dict(result.centrality) == {"a": 0.0, "b": 0.0, "c": 0.0}
    assert dict(result.betweenness) == {"a": 0.0, "b": 0.0, "c": 0.0}
    assert result.brokers == result.most_influential == result.conflicts == ()


def test_empty_group():
    result = analyze_graph([], [Tie("a", "b", "collaborates")])
    assert result == GraphInsights((), (), {}, {}, (), (), ())


def test_betweenness_matches_networkx():
    rng = random.Random(7)
    keys = [f"p{i}" for i in range(25)]
    people = people_of(keys)
    ties = [Tie(*rng.sample(keys, 2), "collaborates", rng.randint(1, 5)) for _ in range(60)]
    graph = nx.Graph()
    graph.add_nodes_from(keys)
    for t in ties:
        previous = graph.get_edge_data(t.source, t.target, {"s": 0})["s"]
        s = max(previous, t.strength)
        graph.add_edge(t.source, t.target, s=s, length=60 // s)
    expected = nx.betweenness_centrality(graph, weight="length", normalized=True)
    result = analyze_graph(people, ties)
    for key in keys:
        assert math.isclose(result.betweenness[key], expected[key], abs_tol=1e-8)


def test_result_is_immutable():
    result = analyze_graph(people_of(["a", "b"]), [Tie("a", "b", "collaborates")])
    try:
        result.centrality["a"] = 0.5  # type: ignore[index]
    except TypeError:
        pass
    else:  # pragma: no cover - a mutable mapping is the defect
        raise AssertionError("centrality must be read-only")
    assert isinstance(hash(result), int)


# ------------------------------------------------------------------ properties


@settings(max_examples=60, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_every_number_is_finite_in_unit_range_and_everyone_in_exactly_one_faction(group, rnd):
    people, ties = group
    result = analyze_graph(people, ties)
    keys = sorted({p.key for p in people})

    everyone = [k for f in result.factions for k in f]
    assert sorted(everyone) == keys
    assert all(f == tuple(sorted(f)) for f in result.factions)
    for values in (result.centrality, result.betweenness):
        assert sorted(values) == keys
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values.values())
    if any(result.centrality.values()):
        assert max(result.centrality.values()) == 1.0

    linked = {t.source for t in ties if t.source != t.target} | {
        t.target for t in ties if t.source != t.target
    }
    assert result.isolated == tuple(k for k in keys if k not in linked)
    for key in result.isolated:
        assert (key,) in result.factions
    for a, b in result.conflicts:  # conflicting people never share a faction
        assert faction_of(result, a) != faction_of(result, b)
    assert set(result.brokers) <= set(keys)
    assert len(result.most_influential) <= 3


@settings(max_examples=60, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_input_order_never_changes_the_result(group, rnd):
    people, ties = group
    shuffled_people, shuffled_ties = people[:], ties + ties[: len(ties) // 2]
    rnd.shuffle(shuffled_people)
    rnd.shuffle(shuffled_ties)
    assert analyze_graph(shuffled_people, shuffled_ties) == analyze_graph(people, ties)


@settings(max_examples=60, deadline=None)
@given(groups())
def test_renaming_that_keeps_key_order_gives_exactly_the_renamed_result(group):
    people, ties = group
    mapping = {p.key: "z-" + p.key.upper() for p in people}  # keeps sorted order
    original = analyze_graph(people, ties)
    result = analyze_graph(*relabel(people, ties, mapping))

    assert result.factions == tuple(tuple(mapping[k] for k in f) for f in original.factions)
    assert result.brokers == tuple(mapping[k] for k in original.brokers)
    assert result.most_influential == tuple(mapping[k] for k in original.most_influential)
    assert result.isolated == tuple(mapping[k] for k in original.isolated)
    assert result.conflicts == tuple((mapping[a], mapping[b]) for a, b in original.conflicts)
    assert dict(result.centrality) == {mapping[k]: v for k, v in original.centrality.items()}
    assert dict(result.betweenness) == {mapping[k]: v for k, v in original.betweenness.items()}


@settings(max_examples=60, deadline=None)
@given(groups(max_people=8), st.randoms(use_true_random=False))
def test_any_renaming_maps_the_result_when_nobody_is_indistinguishable(group, rnd):
    people, ties = group
    assume(indistinguishable_people(people, ties) == ())
    new_keys = [f"{rnd.randrange(10**6):06d}-{i}" for i in range(len(people))]
    rnd.shuffle(new_keys)
    mapping = dict(zip((p.key for p in people), new_keys, strict=True))

    original = analyze_graph(people, ties)
    result = analyze_graph(*relabel(people, ties, mapping))

    identity = {k: k for k in mapping.values()}
    assert renamed(result, identity) == renamed(original, mapping)


def test_indistinguishable_people_finds_symmetric_positions():
    ring = ["a", "b", "c", "d"]
    ties = [Tie(ring[i], ring[(i + 1) % 4], "collaborates") for i in range(4)]
    assert indistinguishable_people(people_of([*ring, "lonely"]), ties) == (tuple(ring),)
    path = [Tie("a", "b", "collaborates", 1), Tie("b", "c", "collaborates", 2)]
    assert indistinguishable_people(people_of(["a", "b", "c", "x", "y"]), path) == ()


# ------------------------------------------------------------------ roles


def test_missing_roles_keeps_required_order_and_measures_completeness():
    coverage = missing_roles(
        ["Champion", "end_user", "Champion"],
        ["Decision Maker", "Champion", "Budget Holder", "End User"],
    )
    assert coverage.missing == ("Decision Maker", "Budget Holder")
    assert coverage.completeness == 0.5


def test_missing_roles_edges():
    assert missing_roles([], []).completeness == 1.0
    assert missing_roles(["Other"], []).missing == ()
    none_held = missing_roles([], ["Champion", "champion"])
    assert none_held.missing == ("Champion",)
    assert none_held.completeness == 0.0
    assert missing_roles(iter(["decision maker "]), ["Decision Maker"]).completeness == 1.0
