"""Stakeholder map analysis: factions, brokers and influence-weighted centrality.

networkx does the graph work (Louvain communities with a fixed seed, Brandes
betweenness); numpy the PageRank. No Django. Memory grows with people plus ties.
Frozen dataclasses in, frozen dataclasses out. Every step runs over people in the
canonical order of :mod:`scoring.core.relationship_map`; the invariances this gives
are stated on :func:`analyze_graph`.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import networkx as nx
import numpy as np

from scoring.core.betweenness import betweenness as fast_betweenness
from scoring.core.relationship_map import (
    CONFLICT,
    MAX_LEVEL,
    MIN_LEVEL,
    POSITIVE_KINDS,
    TIE_KINDS,
    CanonicalMap,
    Person,
    Tie,
    canonical_map,
    indistinguishable_people,
)

__all__ = [
    "CONFLICT",
    "MAX_LEVEL",
    "MIN_LEVEL",
    "POSITIVE_KINDS",
    "TIE_KINDS",
    "GraphInsights",
    "Person",
    "RoleCoverage",
    "Tie",
    "analyze_graph",
    "indistinguishable_people",
    "missing_roles",
]

# Tie strength s (1..5) becomes the path length 60 / s: an integer for every s, so
# shortest-path lengths and "is this path as short as the shortest" are exact.
_DISTANCE_SCALE = 60
_DAMPING = 0.85
_DECIMALS = 9
_TOP_INFLUENTIAL = 3
_SEED = 20240601  # Louvain's seed: the same map always gives the same factions
_BROKER_SHARE_OF_TOP = 0.25
_BROKERS_SHARE_OF_GROUP = 0.1
_BROKERS_AT_LEAST = 3
_BETWEENNESS_SOURCES = 64  # above this many linked people, betweenness is sampled


@dataclass(frozen=True)
class GraphInsights:
    factions: tuple[tuple[str, ...], ...]
    brokers: tuple[str, ...]
    centrality: Mapping[str, float] = field(hash=False)
    betweenness: Mapping[str, float] = field(hash=False)
    most_influential: tuple[str, ...]
    isolated: tuple[str, ...]
    conflicts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RoleCoverage:
    missing: tuple[str, ...]  # required roles nobody holds, in the order of `required`
    completeness: float  # share of required roles held by someone, 0..1


# ------------------------------------------------------------------------ factions


def _positive_graph(graph: CanonicalMap) -> nx.Graph:
    """The positive ties as a networkx graph on canonical indexes (nodes and edges added
    in canonical order, so a fixed seed gives the same communities for the same map)."""
    g = nx.Graph()
    g.add_nodes_from(i for i in range(len(graph.keys)) if graph.positive[i])
    for i, neighbours in enumerate(graph.positive):
        for j, strength in neighbours.items():
            if i < j:
                g.add_edge(i, j, strength=strength, length=_DISTANCE_SCALE // strength)
    return g


def _adjacency(graph: CanonicalMap, n: int) -> list[list[tuple[int, int]]]:
    """Each person's positive ties as (other, length), in the order `_positive_graph` adds
    them to its networkx graph (so in the order networkx lists a node's neighbours)."""
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, neighbours in enumerate(graph.positive):
        for j, strength in neighbours.items():
            if i < j:
                length = _DISTANCE_SCALE // strength
                adjacency[i].append((j, length))
                adjacency[j].append((i, length))
    return adjacency


def _faction_labels(graph: CanonicalMap, g: nx.Graph) -> list[int]:
    """Louvain communities (networkx, fixed seed) on the positive ties weighted by
    strength; then the conflict rule (two people in conflict never share a faction) and
    a split of any faction not connected through its own positive ties."""
    n = len(graph.keys)
    communities: list[list[int]] = []
    if g.number_of_edges():
        found = nx.community.louvain_communities(g, weight="strength", seed=_SEED)
        communities = sorted(sorted(c) for c in found)
    parts: list[list[int]] = []
    for community in communities:
        parts.extend(_without_conflicts(graph, community))
    label = [-1] * n
    for number, part in enumerate(parts):
        for i in part:
            label[i] = number
    # Split any part that is not connected through its own positive ties; people with
    # no positive tie end up alone.
    labels = [-1] * n
    next_label = 0
    for start in range(n):
        if labels[start] >= 0:
            continue
        labels[start] = next_label
        stack = [start]
        while stack:
            i = stack.pop()
            for j in graph.positive[i]:
                if labels[j] < 0 and label[j] == label[start]:
                    labels[j] = next_label
                    stack.append(j)
        next_label += 1
    return labels


def _without_conflicts(graph: CanonicalMap, community: list[int]) -> list[list[int]]:
    """Split one community so nobody shares a part with someone they conflict with.

    Members in canonical order join the part they have the strongest positive ties to
    among the parts holding nobody they conflict with (lowest part on a tie); a member
    with no such tie starts a new part. A community without conflicts stays whole.
    """
    inside = set(community)
    if not any(graph.conflict[i] & inside for i in community):
        return [community]
    parts: list[list[int]] = []
    part_of: dict[int, int] = {}
    for i in community:
        forbidden = {part_of[j] for j in graph.conflict[i] if j in part_of}
        weight: dict[int, int] = {}
        for j, strength in graph.positive[i].items():
            p = part_of.get(j)
            if p is not None and p not in forbidden:
                weight[p] = weight.get(p, 0) + strength
        if weight:
            best = min(weight, key=lambda p: (-weight[p], p))
        else:
            best = len(parts)
            parts.append([])
        parts[best].append(i)
        part_of[i] = best
    return parts


# ---------------------------------------------------------------------- centrality


def _betweenness(graph: CanonicalMap, g: nx.Graph) -> list[float]:
    """Normalised weighted betweenness (Brandes, networkx): tie length 60/strength.

    Exact when at most ``_BETWEENNESS_SOURCES`` people have a tie; in a bigger map,
    estimated from that many source people drawn with a fixed seed (networkx's ``k``,
    Brandes and Pich's pivot sampling), so the cost stops growing with the square of
    the group while the ranking that names brokers stays stable.
    """
    n = len(graph.keys)
    if n < 3 or not g.number_of_edges():
        return [0.0] * n
    m = g.number_of_nodes()
    if m < 3:
        return [0.0] * n
    sources = None if m <= _BETWEENNESS_SOURCES else _BETWEENNESS_SOURCES
    # networkx's algorithm, float for float, without its graph views (scoring.core.betweenness)
    found = fast_betweenness(_adjacency(graph, n), list(g.nodes), k=sources, seed=_SEED)
    # networkx divides by the pairs among the m linked people; the group has n.
    scale = (m - 1) * (m - 2) / ((n - 1) * (n - 2))
    return [min(1.0, max(0.0, found.get(i, 0.0) * scale)) for i in range(n)]


def _centrality(graph: CanonicalMap) -> list[float]:
    """Influence-personalised PageRank on positive ties, scaled so the maximum is 1.

    Power iteration over the tie list (memory in proportion to people plus ties), run
    until nothing moves by more than 1e-15, far below the 9 decimals kept.
    """
    n = len(graph.keys)
    linked = [i for i in range(n) if graph.positive[i]]
    result = [0.0] * n
    if not linked:
        return result
    position = {i: p for p, i in enumerate(linked)}
    source, target, weight = [], [], []
    for p, i in enumerate(linked):
        for j, strength in graph.positive[i].items():
            source.append(position[j])  # j votes for i in proportion to the tie
            target.append(p)
            weight.append(strength)
    size = len(linked)
    src, dst = np.array(source), np.array(target)
    strength_of = np.array(weight, dtype=np.float64)
    share = strength_of / np.bincount(src, weights=strength_of, minlength=size)[src]
    prior = np.array([graph.influence[i] for i in linked], dtype=np.float64)
    prior /= prior.sum()
    restart = (1 - _DAMPING) * prior
    score = prior.copy()
    for _ in range(10_000):
        updated = restart + _DAMPING * np.bincount(dst, weights=share * score[src], minlength=size)
        done = np.abs(updated - score).max() < 1e-15
        score = updated
        if done:
            break
    score = np.clip(score, 0.0, None)
    scaled = np.clip(score / score.max(), 0.0, 1.0)
    for p, i in enumerate(linked):
        result[i] = float(scaled[p])
    return result


def _brokers(graph: CanonicalMap, labels: list[int], betweenness: list[float]) -> list[int]:
    """People who bridge factions and carry a real share of the map's shortest paths.

    A broker's positive ties reach at least two factions and their betweenness is at
    least a quarter of the highest; at most a tenth of the group (never fewer than
    three) are named, so the word keeps its meaning in a group of 500.
    """
    n = len(graph.keys)
    top = max(betweenness, default=0.0)
    if top <= 0:
        return []
    bridging = [
        i
        for i in range(n)
        if betweenness[i] >= _BROKER_SHARE_OF_TOP * top
        and len({labels[j] for j in graph.positive[i]}) >= 2
    ]
    bridging.sort(key=lambda i: (-betweenness[i], -graph.influence[i], i))
    return bridging[: max(_BROKERS_AT_LEAST, math.ceil(_BROKERS_SHARE_OF_GROUP * n))]


# ------------------------------------------------------------------------- public


def analyze_graph(people: Sequence[Person], ties: Sequence[Tie]) -> GraphInsights:
    """Analyse a buying group's relationship map.

    Input cleaning: influence and strength are clamped to 1..5; a key listed twice is
    one person with the higher influence; ties with an unknown kind, an unknown person
    or the same person at both ends are ignored; several positive ties between the same
    two people (any kind, any direction) count once, at the strongest strength.

    Factions: networkx's Louvain communities (fixed seed) on the positive ties
    (reports_to, influences, collaborates; undirected, weighted by strength); then two
    people in conflict are never left in the same faction (a cannot-link rule applied
    after networkx, see :func:`_without_conflicts`); a faction that ends up
    disconnected is split into its connected parts. People with no positive tie are
    singleton factions, listed after everyone else. Factions are sorted by size, then
    total influence, then smallest key; members by key.

    Brokers: people whose positive ties reach at least two different factions and whose
    betweenness is at least a quarter of the highest, ordered by betweenness, then
    influence, then canonical order; at most a tenth of the group (at least three).

    Betweenness: normalised weighted shortest-path betweenness (a tie of strength s has
    length 60/s, so strong ties are short): networkx's Brandes algorithm; exact up to
    64 people with a tie, estimated from 64 sources (fixed seed) in bigger maps.

    Centrality, in plain words: a person is central when strong ties connect them to
    people who are central themselves, and everyone's starting weight is their
    influence. Precisely: PageRank on the positive ties weighted by strength, with
    damping 0.85 and the 15% restart spread in proportion to influence (1..5); then
    divided by the largest score, so the most central person scores 1. People with no
    positive tie score 0 (an edgeless map is all zeros). ``most_influential`` is the top
    three with centrality above zero (ties: influence, then canonical order).

    All floats are rounded to 9 decimals and lie in [0, 1].

    Invariance guaranteed (and tested):

    1. Input order: any order of ``people`` and ``ties`` (and repeated ties) gives an
       equal result.
    2. Renaming that keeps the sorted order of keys: the result is exactly the renamed
       result, every tuple in the same order.
    3. Any renaming, when :func:`indistinguishable_people` returns ``()`` (colour
       refinement tells apart everyone who has a relationship): the renamed result
       has the same factions as sets of people, the same brokers and
       ``most_influential`` in the same order, the same centrality and betweenness per
       person, and the same isolated people and conflict pairs as sets. Only orders
       defined by keys may change: members within a faction, factions tied on size and
       total influence, ``isolated`` and ``conflicts``. Without that condition, people
       the map cannot tell apart (for example the points of a ring) may be grouped
       differently after renaming, since only their keys decide who goes first.
    """
    graph = canonical_map(people, ties)
    n = len(graph.keys)
    keys = graph.keys
    g = _positive_graph(graph)
    labels = _faction_labels(graph, g)
    betweenness = [round(float(v), _DECIMALS) for v in _betweenness(graph, g)]
    centrality = [round(float(v), _DECIMALS) for v in _centrality(graph)]

    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)

    def faction_order(group: list[int]) -> tuple[int, int, int, str]:
        linked = any(graph.positive[i] for i in group)
        return (
            -len(group),
            0 if linked else 1,
            -sum(graph.influence[i] for i in group),
            min(keys[i] for i in group),
        )

    factions = tuple(
        tuple(sorted(keys[i] for i in group))
        for group in sorted(members.values(), key=faction_order)
    )

    brokers = _brokers(graph, labels, betweenness)
    influential = sorted(
        (i for i in range(n) if centrality[i] > 0),
        key=lambda i: (-centrality[i], -graph.influence[i], i),
    )[:_TOP_INFLUENTIAL]
    conflicts = sorted(
        tuple(sorted((keys[i], keys[j]))) for i in range(n) for j in graph.conflict[i] if i < j
    )
    order = sorted(range(n), key=keys.__getitem__)
    return GraphInsights(
        factions=factions,
        brokers=tuple(keys[i] for i in brokers),
        centrality=MappingProxyType({keys[i]: centrality[i] for i in order}),
        betweenness=MappingProxyType({keys[i]: betweenness[i] for i in order}),
        most_influential=tuple(keys[i] for i in influential),
        isolated=tuple(
            sorted(keys[i] for i in range(n) if not graph.positive[i] and not graph.conflict[i])
        ),
        conflicts=tuple((a, b) for a, b in conflicts),
    )


def _role_label(role: str) -> str:
    return " ".join(role.replace("_", " ").split()).casefold()


def missing_roles(present: Iterable[str], required: Sequence[str]) -> RoleCoverage:
    """Which required buying roles nobody in the group holds.

    Roles match ignoring case, surrounding spaces and ``_`` versus space
    ("decision_maker" holds "Decision Maker"). A role required twice counts once.
    ``missing`` keeps the order (and spelling) of ``required``; ``completeness`` is the
    share of distinct required roles that someone holds, 1.0 when nothing is required.
    """
    held = {_role_label(role) for role in present}
    wanted: dict[str, str] = {}
    for role in required:
        wanted.setdefault(_role_label(role), role)
    missing = tuple(role for label, role in wanted.items() if label not in held)
    completeness = 1.0 if not wanted else (len(wanted) - len(missing)) / len(wanted)
    return RoleCoverage(missing=missing, completeness=completeness)
