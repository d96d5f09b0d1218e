"""analyze_graph on a 50-person buying group with 150 ties; goal <= 10 ms.

Baseline: networkx's weighted betweenness alone on the same positive graph, measured in
the same run (the single most expensive thing the analysis computes).
"""

import random

import networkx as nx

from bench.results import Result, median_ms
from scoring.core.graph import CONFLICT, POSITIVE_KINDS, Person, Tie, analyze_graph

GOAL_MS = 10.0
MEMBERS = 50
TIES = 150
CONFLICTS = 10


def buying_group(seed: int = 2024) -> tuple[list[Person], list[Tie]]:
    """Five departments of ten; most ties inside a department, some across, a few conflicts."""
    rng = random.Random(seed)
    people = [
        Person(f"member{i:02d}@buyer.example", rng.randint(1, 5), stance="unknown")
        for i in range(MEMBERS)
    ]
    seen: set[frozenset[int]] = set()
    ties: list[Tie] = []
    while len(ties) < TIES:
        a = rng.randrange(MEMBERS)
        same_department = rng.random() < 0.75
        b = (a // 10) * 10 + rng.randrange(10) if same_department else rng.randrange(MEMBERS)
        if a == b or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        kind = CONFLICT if len(ties) % (TIES // CONFLICTS) == 0 else rng.choice(POSITIVE_KINDS)
        ties.append(Tie(people[a].key, people[b].key, kind, rng.randint(1, 5)))
    return people, ties


def networkx_graph(people: list[Person], ties: list[Tie]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(p.key for p in people)
    for tie in ties:
        if tie.kind in POSITIVE_KINDS:
            graph.add_edge(tie.source, tie.target, length=60 // tie.strength)
    return graph


def run() -> list[Result]:
    people, ties = buying_group()
    value = median_ms(lambda: analyze_graph(people, ties), runs=300, warmup=30)
    graph = networkx_graph(people, ties)
    baseline = median_ms(
        lambda: nx.betweenness_centrality(graph, weight="length", normalized=True),
        runs=30,
        warmup=3,
    )
    return [
        Result.measured(
            name=f"graph.analyze_graph ({MEMBERS} people, {TIES} ties)",
            value=value,
            unit="ms",
            goal=f"<= {GOAL_MS:g} ms",
            baseline=baseline,
            ok=value <= GOAL_MS,
        )
    ]
