"""Stakeholder map analysis: factions, brokers and influence-weighted centrality.

Pure Python plus numpy; no Django. Frozen dataclasses in, frozen dataclasses out.

How people are ordered inside the computation
---------------------------------------------
Every step runs over people in one *canonical order*: first by a structural colour
(colour refinement, also called 1-dimensional Weisfeiler-Leman, started from each
person's influence and refined by the strengths of their positive ties and their
conflicts), then by key. The colour depends only on the shape of the map, never on
names, so the key decides the order only between people the refinement cannot tell
apart. The invariances this gives are stated on :func:`analyze_graph`.
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

POSITIVE_KINDS = ("reports_to", "influences", "collaborates")
CONFLICT = "conflicts_with"
TIE_KINDS = (*POSITIVE_KINDS, CONFLICT)

MIN_LEVEL = 1
MAX_LEVEL = 5
# Tie strength s (1..5) becomes the path length 60 / s: an integer for every s, so
# shortest-path lengths and "is this path as short as the shortest" are exact.
_DISTANCE_SCALE = 60
_UNREACHABLE = 1 << 40
_DAMPING = 0.85
_DECIMALS = 9
_TOP_INFLUENTIAL = 3
# Betweenness works on size**3 arrays; up to this size they are kept per thread and
# reused (fresh megabyte arrays cost more in page faults than the arithmetic on them).
_SCRATCH_MAX_SIZE = 64
_scratch = threading.local()


@dataclass(frozen=True)
class Person:
    key: str  # stable identifier (the email)
    influence: int  # 1..5
    role: str = "Other"  # HubSpot buying role label, e.g. "Champion", "Decision Maker"
    stance: str = "unknown"  # supporter | neutral | skeptic | unknown


@dataclass(frozen=True)
class Tie:
    source: str
    target: str
    kind: str  # reports_to | influences | collaborates | conflicts_with
    strength: int = 3  # 1..5


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


# --------------------------------------------------------------------------- input


def _level(value: int) -> int:
    return min(MAX_LEVEL, max(MIN_LEVEL, int(value)))


@dataclass(frozen=True)
class _Map:
    """The cleaned map, indexed in canonical order."""

    keys: tuple[str, ...]
    influence: tuple[int, ...]
    colour: tuple[int, ...]
    positive: tuple[dict[int, int], ...]  # neighbour index -> strength (symmetric)
    conflict: tuple[frozenset[int], ...]  # neighbour indexes (symmetric)


def _clean(
    people: Sequence[Person], ties: Sequence[Tie]
) -> tuple[dict[str, int], dict[tuple[str, str], int], set[tuple[str, str]]]:
    influence: dict[str, int] = {}
    for person in people:
        # A key listed twice is one person; keep the higher influence (order-free).
        level = _level(person.influence)
        influence[person.key] = max(level, influence.get(person.key, MIN_LEVEL))
    positive: dict[tuple[str, str], int] = {}
    conflicts: set[tuple[str, str]] = set()
    for tie in ties:
        a, b = tie.source, tie.target
        if a == b or a not in influence or b not in influence or tie.kind not in TIE_KINDS:
            continue
        pair = (a, b) if a < b else (b, a)
        if tie.kind == CONFLICT:
            conflicts.add(pair)
        else:
            positive[pair] = max(_level(tie.strength), positive.get(pair, MIN_LEVEL))
    return influence, positive, conflicts


def _refine_colours(
    influence: Mapping[str, int],
    positive: Mapping[tuple[str, str], int],
    conflicts: Iterable[tuple[str, str]],
) -> dict[str, int]:
    """Colour refinement: people get the same colour only if the map cannot tell them apart.

    Colours are ranks of sorted structural signatures, so they never depend on keys.
    """
    neighbours: dict[str, list[tuple[int, str]]] = {key: [] for key in influence}
    for (a, b), strength in positive.items():
        neighbours[a].append((strength, b))
        neighbours[b].append((strength, a))
    for a, b in conflicts:
        neighbours[a].append((-1, b))  # label -1 marks a conflict
        neighbours[b].append((-1, a))
    colour = dict(influence)
    classes = len(set(colour.values()))
    while True:
        signature = {
            key: (colour[key], tuple(sorted((label, colour[n]) for label, n in neighbours[key])))
            for key in influence
        }
        rank = {sig: i for i, sig in enumerate(sorted(set(signature.values())))}
        colour = {key: rank[sig] for key, sig in signature.items()}
        if len(rank) == classes:
            return colour
        classes = len(rank)


def _prepare(people: Sequence[Person], ties: Sequence[Tie]) -> _Map:
    influence, positive, conflicts = _clean(people, ties)
    colour = _refine_colours(influence, positive, conflicts)
    keys = tuple(sorted(influence, key=lambda k: (colour[k], k)))
    index = {key: i for i, key in enumerate(keys)}
    adjacency: list[dict[int, int]] = [{} for _ in keys]
    for (a, b), strength in positive.items():
        adjacency[index[a]][index[b]] = strength
        adjacency[index[b]][index[a]] = strength
    opposed: list[set[int]] = [set() for _ in keys]
    for a, b in conflicts:
        opposed[index[a]].add(index[b])
        opposed[index[b]].add(index[a])
    return _Map(
        keys=keys,
        influence=tuple(influence[k] for k in keys),
        colour=tuple(colour[k] for k in keys),
        # Rebuild each dict in index order so iteration never reflects input order.
        positive=tuple({j: adj[j] for j in sorted(adj)} for adj in adjacency),
        conflict=tuple(frozenset(s) for s in opposed),
    )


def indistinguishable_people(
    people: Sequence[Person], ties: Sequence[Tie]
) -> tuple[tuple[str, ...], ...]:
    """Groups of two or more people, each with at least one relationship, that colour
    refinement cannot tell apart (same influence, same pattern of tie strengths and
    conflicts, all the way out). When this is empty, :func:`analyze_graph` is fully
    invariant under renaming (see its docstring). Groups sorted, members sorted."""
    influence, positive, conflicts = _clean(people, ties)
    colour = _refine_colours(influence, positive, conflicts)
    related = {k for pair in positive for k in pair} | {k for pair in conflicts for k in pair}
    groups: dict[int, list[str]] = {}
    for key in sorted(related):
        groups.setdefault(colour[key], []).append(key)
    return tuple(sorted(tuple(g) for g in groups.values() if len(g) > 1))


# ------------------------------------------------------------------------ factions


def _local_moving(
    adjacency: list[dict[int, int]], self_loops: list[int], opposed: list[set[int]], two_m: int
) -> list[int]:
    """One Louvain level: move nodes between communities while modularity rises.

    Gains are compared in exact integers (2m * k_i,C - k_i * tot_C is 2m^2 times the
    modularity gain). A node never joins a community holding someone it conflicts with.
    """
    size = len(adjacency)
    degree = [self_loops[i] + sum(adjacency[i].values()) for i in range(size)]
    community = list(range(size))
    total = degree[:]
    neighbours = [tuple(a.items()) for a in adjacency]
    for _ in range(10_000):  # always ends long before: every move raises modularity
        moved = False
        for i in range(size):
            current, k_i = community[i], degree[i]
            total[current] -= k_i
            weight_to: dict[int, int] = {}
            for j, w in neighbours[i]:
                c = community[j]
                weight_to[c] = weight_to.get(c, 0) + w
            forbidden = {community[j] for j in opposed[i]} if opposed[i] else ()
            best, best_gain = current, two_m * weight_to.get(current, 0) - k_i * total[current]
            for candidate in sorted(weight_to):
                if candidate == current or candidate in forbidden:
                    continue
                gain = two_m * weight_to[candidate] - k_i * total[candidate]
                if gain > best_gain:
                    best, best_gain = candidate, gain
            total[best] += k_i
            if best != current:
                community[i] = best
                moved = True
        if not moved:
            break
    return community


def _faction_labels(graph: _Map) -> list[int]:
    """Louvain modularity on positive ties (weighted by strength), with conflicts as
    cannot-link constraints; communities that end up disconnected are split."""
    n = len(graph.keys)
    adjacency = [dict(a) for a in graph.positive]
    self_loops = [0] * n
    opposed = [set(c) for c in graph.conflict]
    two_m = sum(sum(a.values()) for a in adjacency)
    membership = list(range(n))
    while two_m:
        community = _local_moving(adjacency, self_loops, opposed, two_m)
        renumber: dict[int, int] = {}
        for c in community:
            renumber.setdefault(c, len(renumber))
        if len(renumber) == len(community):
            break
        membership = [renumber[community[m]] for m in membership]
        size = len(renumber)
        new_adjacency: list[dict[int, int]] = [{} for _ in range(size)]
        new_self = [0] * size
        new_opposed: list[set[int]] = [set() for _ in range(size)]
        for i, c in enumerate(community):
            ci = renumber[c]
            new_self[ci] += self_loops[i]
            for j, w in adjacency[i].items():
                cj = renumber[community[j]]
                if cj == ci:
                    new_self[ci] += w
                else:
                    new_adjacency[ci][cj] = new_adjacency[ci].get(cj, 0) + w
            new_opposed[ci].update(renumber[community[j]] for j in opposed[i])
        adjacency = [{j: a[j] for j in sorted(a)} for a in new_adjacency]
        self_loops, opposed = new_self, new_opposed

    # Split any community that is not connected through its own positive ties.
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
                if labels[j] < 0 and membership[j] == membership[start]:
                    labels[j] = next_label
                    stack.append(j)
        next_label += 1
    return labels


# ---------------------------------------------------------------------- centrality


def _betweenness(graph: _Map) -> np.ndarray:
    """Normalised shortest-path betweenness on positive ties, path length 60/strength.

    Same definition as ``networkx.betweenness_centrality(G, weight=..., normalized=True)``
    on an undirected graph: for every pair (s, t), the share of shortest s-t paths that
    pass through v, summed, divided by (n-1)(n-2)/2. Vectorised with numpy.
    """
    n = len(graph.keys)
    result = np.zeros(n)
    linked = [i for i in range(n) if graph.positive[i]]
    size = len(linked)
    if n < 3 or size < 3:
        return result
    # Path lengths are whole numbers below 60 * size; `unreachable` is larger than any of
    # them, and twice it still fits the (small, so fast) integer type used for sums.
    unreachable = _DISTANCE_SCALE * size
    dtype = np.int16 if 2 * unreachable <= np.iinfo(np.int16).max else np.int64
    position = {i: p for p, i in enumerate(linked)}
    length = np.full((size, size), unreachable, dtype=dtype)
    for p, i in enumerate(linked):
        row = length[p]
        for j, strength in graph.positive[i].items():
            row[position[j]] = _DISTANCE_SCALE // strength
    dist = length.copy()
    np.fill_diagonal(dist, 0)
    via = np.empty_like(dist)
    for k in range(size):  # Floyd-Warshall
        np.add(dist[:, k : k + 1], dist[k : k + 1, :], out=via)
        np.minimum(dist, via, out=dist)
    reach = dist < unreachable
    cube, on_dag, steps, share = _cubes(size, dtype)
    # on_dag[s, u, t]: the tie u-t is the last step of some shortest path from s to t.
    np.add(dist[:, :, None], length[None, :, :], out=cube)
    np.equal(cube, dist[:, None, :], out=on_dag)
    on_dag &= reach[:, None, :]
    np.copyto(steps, on_dag)
    identity = np.eye(size)
    paths = identity  # paths[s, t]: number of shortest paths from s to t (exact integers)
    for _ in range(size + 1):
        updated = identity + np.matmul(paths[:, None, :], steps)[:, 0, :]
        if np.array_equal(updated, paths):
            break
        paths = updated
    # through[s, v, t]: v lies on a shortest s-t path (s, v, t distinct).
    np.add(dist[:, :, None], dist[None, :, :], out=cube)
    through = np.equal(cube, dist[:, None, :], out=on_dag)  # on_dag is not needed any more
    through &= reach[:, None, :]
    idx = np.arange(size)
    through[idx, idx, :] = False
    through[:, idx, idx] = False
    through[idx, :, idx] = False
    denominator = np.where(reach, paths, 1.0)
    np.multiply(paths[:, :, None], paths[None, :, :], out=share)
    share /= denominator[:, None, :]
    share *= through  # exactly np.where(through, share, 0.0): shares are finite, >= 0
    raw = share.sum(axis=(0, 2))
    result[linked] = raw / ((n - 1) * (n - 2))
    return np.clip(result, 0.0, 1.0)


def _cubes(size: int, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Work arrays of shape (size, size, size): integer, bool and two float64."""
    shape = (size, size, size)
    if size > _SCRATCH_MAX_SIZE:
        return (np.empty(shape, dtype), np.empty(shape, bool), np.empty(shape), np.empty(shape))
    kept = getattr(_scratch, "cubes", None)
    if kept is None or kept[0].shape != shape or kept[0].dtype != dtype:
        kept = (np.empty(shape, dtype), np.empty(shape, bool), np.empty(shape), np.empty(shape))
        _scratch.cubes = kept
    return kept


def _centrality(graph: _Map) -> np.ndarray:
    """Influence-personalised PageRank on positive ties, scaled so the maximum is 1."""
    n = len(graph.keys)
    result = np.zeros(n)
    linked = [i for i in range(n) if graph.positive[i]]
    if not linked:
        return result
    position = {i: p for p, i in enumerate(linked)}
    size = len(linked)
    weights = np.zeros((size, size))
    for p, i in enumerate(linked):
        for j, strength in graph.positive[i].items():
            weights[p, position[j]] = strength
    transition = weights / weights.sum(axis=0)[None, :]  # column j: where j's vote goes
    prior = np.array([graph.influence[i] for i in linked], dtype=np.float64)
    prior /= prior.sum()
    score = np.linalg.solve(np.eye(size) - _DAMPING * transition, (1 - _DAMPING) * prior)
    score = np.clip(score, 0.0, None)
    result[linked] = score / score.max()
    return np.clip(result, 0.0, 1.0)


# ------------------------------------------------------------------------- public


def analyze_graph(people: Sequence[Person], ties: Sequence[Tie]) -> GraphInsights:
    """Analyse a buying group's relationship map.

    Input cleaning: influence and strength are clamped to 1..5; a key listed twice is
    one person with the higher influence; ties with an unknown kind, an unknown person
    or the same person at both ends are ignored; several positive ties between the same
    two people (any kind, any direction) count once, at the strongest strength.

    Factions: Louvain modularity on the positive ties (reports_to, influences,
    collaborates; undirected, weighted by strength), where two people in conflict are
    never put in the same faction (a cannot-link rule); a faction that ends up
    disconnected is split into its connected parts. People with no positive tie are
    singleton factions, listed after everyone else. Factions are sorted by size, then
    total influence, then smallest key; members by key.

    Brokers: people with betweenness above zero whose positive ties reach at least two
    different factions, ordered by betweenness, then influence, then canonical order.

    Betweenness: normalised weighted shortest-path betweenness (a tie of strength s has
    length 60/s, so strong ties are short), as in networkx.

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
    graph = _prepare(people, ties)
    n = len(graph.keys)
    keys = graph.keys
    labels = _faction_labels(graph)
    betweenness = [round(float(v), _DECIMALS) for v in _betweenness(graph)]
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

    brokers = sorted(
        (
            i
            for i in range(n)
            if betweenness[i] > 0 and len({labels[j] for j in graph.positive[i]}) >= 2
        ),
        key=lambda i: (-betweenness[i], -graph.influence[i], i),
    )
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
