"""The relationship map, cleaned and put in one canonical order.

Pure Python; no Django. Every step of :mod:`scoring.core.graph` runs over people in
one *canonical order*: first by a structural colour (colour refinement, also called
1-dimensional Weisfeiler-Leman, started from each person's influence and refined by the
strengths of their positive ties and their conflicts), then by key. The colour depends
only on the shape of the map, never on names, so the key decides the order only between
people the refinement cannot tell apart.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

POSITIVE_KINDS = ("reports_to", "influences", "collaborates")
CONFLICT = "conflicts_with"
TIE_KINDS = (*POSITIVE_KINDS, CONFLICT)

MIN_LEVEL = 1
MAX_LEVEL = 5


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


# --------------------------------------------------------------------------- input


def _level(value: int) -> int:
    return min(MAX_LEVEL, max(MIN_LEVEL, int(value)))


@dataclass(frozen=True)
class CanonicalMap:
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


def canonical_map(people: Sequence[Person], ties: Sequence[Tie]) -> CanonicalMap:
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
    return CanonicalMap(
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
