"""scoring.core.betweenness is networkx's betweenness, float for float: the same sources
sampled with the same seed, the same paths counted in the same order."""

import random

import networkx as nx
import pytest

from scoring.core.betweenness import betweenness

LENGTHS = (12, 15, 20, 30, 60)  # 60 / strength, strength 1..5, as scoring.core.graph has it


def _random_map(seed: int, people: int, ties: int) -> tuple[nx.Graph, list[list[tuple[int, int]]]]:
    rng = random.Random(seed)
    graph = nx.Graph()
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(people)]
    linked = sorted(rng.sample(range(people), max(3, people - rng.randrange(0, 4))))
    graph.add_nodes_from(linked)
    for _ in range(ties):
        i, j = sorted(rng.sample(linked, 2))
        if graph.has_edge(i, j):
            continue
        length = rng.choice(LENGTHS)
        graph.add_edge(i, j, length=length)
        adjacency[i].append((j, length))
        adjacency[j].append((i, length))
    return graph, adjacency


@pytest.mark.parametrize("seed", range(40))
def test_equal_to_networkx_on_random_maps(seed):
    people = random.Random(seed).choice([3, 5, 8, 20, 60, 90, 150])
    graph, adjacency = _random_map(seed, people, ties=people * 2)
    k = 64 if graph.number_of_nodes() > 64 else None
    expected = nx.betweenness_centrality(graph, k=k, weight="length", normalized=True, seed=7)
    assert betweenness(adjacency, list(graph.nodes), k=k, seed=7) == expected


def test_equal_paths_are_shared_as_networkx_shares_them():
    # A square: two equally short ways from 0 to 2 (via 1 and via 3), one longer tie.
    graph = nx.Graph()
    graph.add_nodes_from(range(4))
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(4)]
    for i, j, length in [(0, 1, 20), (0, 3, 20), (1, 2, 20), (2, 3, 20), (1, 3, 60)]:
        graph.add_edge(i, j, length=length)
        adjacency[i].append((j, length))
        adjacency[j].append((i, length))
    found = betweenness(adjacency, list(graph.nodes), k=None, seed=1)
    assert found == nx.betweenness_centrality(graph, weight="length", normalized=True)
    assert found[1] == found[3] == pytest.approx(1 / 6)  # half of the 0-2 paths each


@pytest.mark.parametrize("seed", range(20))
def test_equal_to_networkx_with_any_whole_lengths(seed):
    # Many ties of one length (several people settle at one distance), zero-length ties
    # and long ones: the order people are settled in, and so every sum, is networkx's.
    rng = random.Random(1000 + seed)
    people = rng.choice([4, 12, 40, 80])
    graph = nx.Graph()
    graph.add_nodes_from(range(people))
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(people)]
    lengths = rng.choice([(0, 1), (1,), (0, 12, 60), (1, 2, 3, 500)])
    for _ in range(people * 3):
        i, j = sorted(rng.sample(range(people), 2))
        if graph.has_edge(i, j):
            continue
        length = rng.choice(lengths)
        graph.add_edge(i, j, length=length)
        adjacency[i].append((j, length))
        adjacency[j].append((i, length))
    k = 16 if people > 16 and seed % 2 else None
    expected = nx.betweenness_centrality(graph, k=k, weight="length", normalized=True, seed=3)
    assert betweenness(adjacency, list(graph.nodes), k=k, seed=3) == expected
