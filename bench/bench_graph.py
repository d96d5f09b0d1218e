"""analyze_graph on buying groups of 10, 50, 200 and 500 members (three ties a member).

Goals: at 50 members <= 10 ms (issue 5, where networkx's betweenness took 5.52 ms: held
as that ratio, `bench.results.Budget`), at 200 <= 100 ms and at 500 <= 500 ms (issue 14,
which gave no baseline figure to hold them to), and peak extra memory at 500 members
<= 50 MB (tracemalloc). Baseline: networkx's weighted betweenness alone on the same
positive graph, measured in the same run (the single most expensive thing the analysis
computes), so the ratio shows what the rest costs.
"""

import random

import networkx as nx

from bench.results import Budget, Result, goal_holds, goal_words, median_ms, peak_mb
from scoring.core.graph import CONFLICT, POSITIVE_KINDS, Person, Tie, analyze_graph

GOALS = {
    10: None,
    50: Budget(10.0, 5.52, "networkx's betweenness"),
    200: 100.0,
    500: 500.0,
}
MEMORY_GOAL_MB = 50.0
TIES_PER_MEMBER = 3
CONFLICT_EVERY = 15  # one tie in 15 is a conflict
RUNS = {10: (100, 10), 50: (50, 5), 200: (7, 1), 500: (3, 1)}


def buying_group(members: int = 50, seed: int = 2024) -> tuple[list[Person], list[Tie]]:
    """Departments of ten; most ties inside a department, some across, a few conflicts."""
    rng = random.Random(seed)
    people = [
        Person(f"member{i:03d}@buyer.example", rng.randint(1, 5), stance="unknown")
        for i in range(members)
    ]
    seen: set[frozenset[int]] = set()
    ties: list[Tie] = []
    while len(ties) < TIES_PER_MEMBER * members:
        a = rng.randrange(members)
        same_department = rng.random() < 0.75
        b = (a // 10) * 10 + rng.randrange(10) if same_department else rng.randrange(members)
        if a == b or b >= members or frozenset((a, b)) in seen:
            continue
        seen.add(frozenset((a, b)))
        kind = CONFLICT if len(ties) % CONFLICT_EVERY == 0 else rng.choice(POSITIVE_KINDS)
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
    results = []
    for members, goal in GOALS.items():
        people, ties = buying_group(members)
        runs, warmup = RUNS[members]
        value = median_ms(lambda p=people, t=ties: analyze_graph(p, t), runs=runs, warmup=warmup)
        graph = networkx_graph(people, ties)
        baseline = median_ms(
            lambda g=graph: nx.betweenness_centrality(g, weight="length", normalized=True),
            runs=runs,
            warmup=warmup,
        )
        brokers = len(analyze_graph(people, ties).brokers)
        results.append(
            Result.measured(
                name=f"graph.analyze_graph ({members} members, {len(ties)} ties, "
                f"{brokers} brokers)",
                value=value,
                unit="ms",
                goal=goal_words(goal),
                baseline=baseline,
                ok=goal_holds(goal, value, baseline),
            )
        )
    people, ties = buying_group(500)
    memory = peak_mb(lambda: analyze_graph(people, ties))
    results.append(
        Result.measured(
            name="graph.analyze_graph peak extra memory (500 members)",
            value=memory,
            unit="MB",
            goal=f"<= {MEMORY_GOAL_MB:g} MB",
            baseline=peak_mb(lambda: networkx_graph(people, ties)),
            ok=memory <= MEMORY_GOAL_MB,
        )
    )
    return results
