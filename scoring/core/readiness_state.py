"""What readiness reads and returns: the group's state in (:class:`GroupState`), the
score and its factors out, and the small readings of the state every factor shares.
Pure Python, no Django (see :mod:`scoring.core.readiness` for the rules).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from scoring.core.divergence import Divergence
from scoring.core.exposure import to_distribution
from scoring.core.graph import GraphInsights, Person, RoleCoverage

_MIN_LEVEL, _MAX_LEVEL = 1, 5


@dataclass(frozen=True)
class Factor:
    name: str  # short stable label, e.g. "Divergence", "Missing roles"
    effect: int  # signed whole points added to the score
    why: str  # one plain-words sentence naming the people or themes


@dataclass(frozen=True)
class Readiness:
    score: int  # 0..100
    factors: tuple[Factor, ...]  # by abs(effect) desc, then name


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class GroupState:
    """Everything readiness needs, built by the Django adapter."""

    people: tuple[Person, ...]
    names: Mapping[str, str] = field(hash=False)  # key -> display name
    insights: GraphInsights
    coverage: RoleCoverage
    missing_role_labels: tuple[str, ...]
    divergence: Divergence  # exposure divergence
    exposures: Mapping[str, Mapping[str, float]] = field(hash=False)  # absent/empty: unaligned
    common_ground: tuple[tuple[str, float], ...]  # (theme slug, coverage 0..1)
    theme_names: Mapping[str, str] = field(hash=False)  # slug -> display name
    tailoring: float  # tailoring index 0..1
    recently_touched: frozenset[str]  # keys touched in the last 30 days

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "names", _frozen(self.names))
        object.__setattr__(
            self,
            "exposures",
            MappingProxyType({k: _frozen(v) for k, v in dict(self.exposures).items()}),
        )
        object.__setattr__(self, "common_ground", tuple(self.common_ground))
        object.__setattr__(self, "theme_names", _frozen(self.theme_names))
        object.__setattr__(self, "missing_role_labels", tuple(self.missing_role_labels))
        object.__setattr__(self, "recently_touched", frozenset(self.recently_touched))


@dataclass(frozen=True)
class _Group:
    """People in key order, with clean influence and their exposure distributions."""

    people: tuple[Person, ...]
    influence: Mapping[str, int]
    exposure: Mapping[str, Mapping[str, float]]  # only reached people, normalised

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.people)

    def reached(self, key: str) -> bool:
        return key in self.exposure

    def by_influence(self, keys: Iterable[str]) -> list[str]:
        return sorted(keys, key=lambda k: (-self.influence.get(k, _MIN_LEVEL), k))


def _level(value: object) -> int:
    try:
        return min(_MAX_LEVEL, max(_MIN_LEVEL, int(value)))  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return _MIN_LEVEL


def _group(state: GroupState) -> _Group:
    chosen: dict[str, Person] = {}
    for person in state.people:
        current = chosen.get(person.key)
        rank = (_level(person.influence), person.role, person.stance)
        if current is None or rank > (_level(current.influence), current.role, current.stance):
            chosen[person.key] = person
    people = tuple(chosen[k] for k in sorted(chosen))
    exposure = {}
    for person in people:
        distribution = to_distribution(state.exposures.get(person.key, {}))
        if distribution:
            exposure[person.key] = MappingProxyType(distribution)
    return _Group(
        people=people,
        influence=MappingProxyType({p.key: _level(p.influence) for p in people}),
        exposure=MappingProxyType(exposure),
    )


def _name(state: GroupState, key: str) -> str:
    return state.names.get(key) or key


def _theme(state: GroupState, slug: str) -> str:
    return state.theme_names.get(slug) or slug


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _listed(state: GroupState, keys: Sequence[str], limit: int = 3) -> str:
    shown = [_name(state, k) for k in keys[:limit]]
    if len(keys) > limit:
        shown.append(f"{len(keys) - limit} more")
    return _join(shown)


def _percent(value: float) -> str:
    """Whole percent, rounded down, so 74.9% never reads as reaching 75%."""
    return f"{math.floor(value * 100 + 1e-6)}%"


def _real_factions(state: GroupState) -> list[tuple[int, tuple[str, ...]]]:
    return [(i, f) for i, f in enumerate(state.insights.factions) if len(f) > 1]


def _leader(state: GroupState, group: _Group, faction: Sequence[str]) -> str:
    """The faction's most influential member: influence, then centrality, then key."""
    centrality = state.insights.centrality
    return min(
        faction,
        key=lambda k: (-group.influence.get(k, _MIN_LEVEL), -centrality.get(k, 0.0), k),
    )


def _side(state: GroupState, group: _Group, faction: Sequence[str]) -> str:
    return f"{_name(state, _leader(state, group, faction))}'s side"


def _pooled(group: _Group, faction: Iterable[str]) -> dict[str, float]:
    """Influence-weighted mix of what the faction's reached members have heard."""
    pooled: dict[str, float] = {}
    for key in sorted(faction):
        distribution = group.exposure.get(key)
        if not distribution:
            continue
        weight = group.influence.get(key, _MIN_LEVEL)
        for theme, share in distribution.items():
            pooled[theme] = pooled.get(theme, 0.0) + weight * share
    return {theme: pooled[theme] for theme in sorted(pooled)}
