"""Consensus readiness: one 0-100 score for "is this buying group hearing one story?",
with the factors that explain it in plain words.

Pure Python, no Django. The adapter builds a :class:`GroupState` from the results of the
other analysis modules (graph, divergence, exposure) and calls :func:`readiness`.

Like every score in this app, readiness describes the messages the group has received
and the shape of the group; it does not predict whether the deal will close.

How the score is built
----------------------
``score = clamp(BASE + sum(effects), 0, 100)`` with ``BASE = 70``: a small group that has
heard one story, shares a theme, holds every required role and has an engaged supporter
lands in the high 80s; every problem takes points away. Each factor's effect is a whole
number of points (so the factors add up exactly to the score, before the clamp):

=====================  ===========  ======================================================
Factor                 Effect       Rule
=====================  ===========  ======================================================
Divergence             -30 .. +5    ``-round(30 * d)``, ``d`` the group divergence at two
                                    decimals (as shown); ``+5`` when ``d < 0.2`` and more
                                    than half the members (by count) have been reached.
Common ground          -10 .. +8    Widest theme's coverage ``c`` (share of influence):
                                    ``c >= 0.75``: ``+5 + round(3 * (c - 0.75) / 0.25)``;
                                    ``0.5 <= c < 0.75``: 0 (shown); ``c < 0.5`` (or no
                                    theme): ``-5 - round(5 * (0.5 - c) / 0.5)``.
Factions               -15 .. 0     Worst gap ``g`` between two factions of 2+ people
                                    (:func:`faction_gap`); ``g >= 0.8``:
                                    ``-10 - round(5 * (g - 0.8) / 0.2)``. A side nobody
                                    has reached has gap 1.
Bridge                 -3, 0, +5    Only with 2+ factions of 2+ people: ``+5`` when a
                                    broker was touched in the last 30 days, ``-3`` when
                                    brokers exist but none was, ``-3`` when nobody mapped
                                    links the sides.
Missing roles          -16 .. 0     ``-4`` per required role nobody holds, at most ``-16``.
Stance mix             -12 .. +4    ``-4`` per skeptic with influence 4+, at most ``-12``;
                                    ``+4`` when a supporter with influence 4+ exists.
Group size             -8 .. 0      ``-1`` per member above 3, at most ``-8`` (published
                                    CEB baseline: larger groups buy less often).
Unaligned members      -10 .. 0     ``-round(10 * u)``, ``u`` the influence share of the
                                    members nobody has reached.
Individual tailoring   -10 .. 0     Tailoring index ``t > 0.5``:
                                    ``-max(1, round(20 * (t - 0.5)))``.
=====================  ===========  ======================================================

The best possible score is 92 (70 + 5 + 8 + 5 + 4): no group is ever shown as certain.
When nobody has been reached, divergence counts as 1 (-30) and the sentences say so
instead of quoting numbers. Divergence already counts unaligned members as fully apart;
the separate "Unaligned members" factor is deliberate: reaching those people is the
fastest lever, so it gets its own line with names. An empty group scores 0 with one
factor saying so.

Factors are sorted by the size of their effect, largest first, then by name. A factor
with nothing to say is left out (no missing role, a group of 3 or fewer, tailoring at or
below one half...); one with a zero effect stays when its sentence helps (the widest theme
in the middle band of common ground, a skeptic balanced by a supporter, a low-influence
member not reached yet). Sentences use names from ``names`` and ``theme_names`` (falling
back to the key or slug), whole percentages rounded down (so 74.9% never reads as three
quarters), and divergence at two decimals.

Determinism: the result depends only on the state's content, never on the order of
``people``, ``exposures`` or ``names``; people are handled in key order and ties are
broken by key. A key listed twice in ``people`` is one person with the higher influence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from types import MappingProxyType

from scoring.core.baseline import baseline_purchase_likelihood
from scoring.core.divergence import Divergence, pairwise_divergence
from scoring.core.exposure import to_distribution
from scoring.core.graph import GraphInsights, Person, RoleCoverage

BASE = 70

DIVERGENCE_MAX_PENALTY = 30
DIVERGENCE_BONUS = 5
DIVERGENCE_BONUS_BELOW = 0.2

COMMON_GROUND_SHARED = 0.75
COMMON_GROUND_HALF = 0.5

FACTION_GAP = 0.8

BRIDGE_ENGAGED = 5
BRIDGE_MISSING = -3

ROLE_PENALTY = 4
ROLE_CAP = 16

INFLUENTIAL = 4
SKEPTIC_PENALTY = 4
SKEPTIC_CAP = 12
SUPPORTER_BONUS = 4

SIZE_FREE = 3
SIZE_CAP = 8

UNALIGNED_MAX_PENALTY = 10

TAILORING_THRESHOLD = 0.5
TAILORING_MAX_PENALTY = 10

_DECIMALS = 9
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


# ------------------------------------------------------------------------ helpers


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


# ---------------------------------------------------------------------- factors


def faction_gap(state: GroupState) -> tuple[tuple[int, int, float], ...]:
    """Pairwise divergence between the pooled (influence-weighted) exposures of factions.

    Indices point into ``state.insights.factions``; only factions with more than one
    member take part. A faction nobody in it has been reached has gap 1 to every other.
    Sorted by gap, largest first, then by the indices.
    """
    return _faction_gap(state, _group(state))


def _faction_gap(state: GroupState, group: _Group) -> tuple[tuple[int, int, float], ...]:
    real = _real_factions(state)
    pooled = {i: _pooled(group, faction) for i, faction in real}
    gaps = [
        (i, j, round(pairwise_divergence(pooled[i], pooled[j]), _DECIMALS))
        for (i, _), (j, _) in combinations(real, 2)
    ]
    return tuple(sorted(gaps, key=lambda g: (-g[2], g[0], g[1])))


def _divergence_factor(state: GroupState, group: _Group) -> Factor:
    score = float(state.divergence.score)
    d = round(min(1.0, max(0.0, score)), 2) if math.isfinite(score) else 1.0
    if not group.exposure:
        return Factor(
            "Divergence",
            -DIVERGENCE_MAX_PENALTY,
            "Nobody in the group has been reached yet, so there is no shared story so far.",
        )
    effect = -round(DIVERGENCE_MAX_PENALTY * d)
    reached_most = 2 * len(group.exposure) > len(group.people)
    shown = f"divergence {d:.2f} of 1"
    if d < DIVERGENCE_BONUS_BELOW and reached_most:
        effect += DIVERGENCE_BONUS
    contributions = state.divergence.member_contributions
    furthest = [k for k, v in contributions if v > 0 and group.reached(k)][:2]
    apart = ""
    if furthest:
        verb = "is" if len(furthest) == 1 else "are"
        apart = f"; {_join([_name(state, k) for k in furthest])} {verb} furthest from the rest"
    if d == 0:
        why = "Everyone has heard the same mix of themes (divergence 0)."
    elif d < DIVERGENCE_BONUS_BELOW:
        why = f"The group is hearing close to one story ({shown})."
    elif d < 0.4:
        why = f"The group is mostly hearing one story ({shown}){apart}."
    elif d < 0.6:
        why = f"Members have heard partly different stories ({shown}){apart}."
    elif d < 0.8:
        why = f"Members have heard different stories ({shown}){apart}."
    else:
        why = f"Members have heard almost nothing in common ({shown}){apart}."
    return Factor("Divergence", effect, why)


def _common_ground_factor(state: GroupState) -> Factor:
    ranked = sorted(
        ((slug, min(1.0, max(0.0, float(c)))) for slug, c in state.common_ground),
        key=lambda item: (-item[1], item[0]),
    )
    ranked = [(slug, c) for slug, c in ranked if math.isfinite(c) and c > 0]
    if not ranked:
        return Factor(
            "Common ground",
            -10,
            "No theme has reached anyone in the group yet, so there is nothing shared to build on.",
        )
    slug, best = ranked[0]
    theme = _theme(state, slug)
    if best >= COMMON_GROUND_SHARED:
        effect = 5 + round(3 * (best - COMMON_GROUND_SHARED) / (1 - COMMON_GROUND_SHARED))
        others = sum(1 for _, c in ranked[1:] if c >= COMMON_GROUND_SHARED)
        more = ""
        if others:
            more = f" ({others} more {'theme' if others == 1 else 'themes'} past three quarters)"
        if best >= 1.0:
            reach = "has reached the whole group"
        else:
            reach = f"has reached {_percent(best)} of the group (by influence)"
        return Factor(
            "Common ground",
            effect,
            f"{theme} {reach}{more}: a shared starting point for one story.",
        )
    if best >= COMMON_GROUND_HALF:
        return Factor(
            "Common ground",
            0,
            f"{theme} has reached {_percent(best)} of the group (by influence), but no theme "
            "has reached three quarters yet.",
        )
    effect = -5 - round(5 * (COMMON_GROUND_HALF - best) / COMMON_GROUND_HALF)
    return Factor(
        "Common ground",
        effect,
        f"No theme has reached even half the group (by influence); the widest, {theme}, "
        f"has reached {_percent(best)}.",
    )


def _factions_factor(state: GroupState, group: _Group) -> Factor | None:
    wide = [g for g in _faction_gap(state, group) if g[2] >= FACTION_GAP]
    if not wide:
        return None
    i, j, gap = wide[0]
    factions = state.insights.factions
    first, second = factions[i], factions[j]
    effect = -10 - round(5 * (gap - FACTION_GAP) / (1 - FACTION_GAP))
    a, b = _side(state, group, first), _side(state, group, second)
    reached_a = any(group.reached(k) for k in first)
    reached_b = any(group.reached(k) for k in second)
    if not reached_a and not reached_b:
        why = f"Neither {a} nor {b} has been reached yet"
    elif not reached_a or not reached_b:
        silent, other = (a, b) if not reached_a else (b, a)
        why = f"Nobody on {silent} has been reached yet, so it shares no story with {other}"
    elif gap >= 1.0:
        why = f"{a} and {b} have heard no theme in common"
    else:
        why = f"{a} and {b} have heard almost entirely different themes"
    extra = len(wide) - 1
    if extra:
        pairs = "pair of sides is" if extra == 1 else "pairs of sides are"
        why += f", and {extra} more {pairs} as far apart"
    return Factor("Factions", effect, why + ".")


def _bridge_factor(state: GroupState, group: _Group) -> Factor | None:
    real = _real_factions(state)
    if len(real) < 2:
        return None
    brokers = [k for k in state.insights.brokers if k in group.influence]
    if not brokers:
        a = _side(state, group, real[0][1])
        b = _side(state, group, real[1][1])
        return Factor(
            "Bridge",
            BRIDGE_MISSING,
            f"Nobody mapped links {a} and {b}, so no one carries a shared story across.",
        )
    engaged = [k for k in brokers if k in state.recently_touched]
    if engaged:
        verb, was = ("bridges", "was") if len(engaged) == 1 else ("bridge", "were")
        why = (
            f"{_listed(state, engaged, 2)} {verb} the factions and {was} reached in the "
            "last 30 days, so one story can travel across"
        )
        if brokers[0] not in engaged:  # the strongest bridge still needs reaching
            strongest = _name(state, brokers[0])
            why += f"; {strongest} also bridges them but has not been reached in 30 days"
        return Factor("Bridge", BRIDGE_ENGAGED, why + ".")
    verb, has = ("bridges", "has") if len(brokers) == 1 else ("bridge", "have")
    return Factor(
        "Bridge",
        BRIDGE_MISSING,
        f"{_listed(state, brokers, 2)} {verb} the factions but {has} not been reached in 30 days.",
    )


def _roles_factor(state: GroupState) -> Factor | None:
    labels = state.missing_role_labels or state.coverage.missing
    missing = list(dict.fromkeys(label for label in labels if label))
    if not missing:
        return None
    effect = -min(ROLE_CAP, ROLE_PENALTY * len(missing))
    role = "role" if len(missing) == 1 else "roles"
    return Factor(
        "Missing roles",
        effect,
        f"Nobody holds the {_join(missing)} {role} yet: deals stall when a role turns up late.",
    )


def _stance_factor(state: GroupState, group: _Group) -> Factor | None:
    def stance(person: Person) -> str:
        return str(person.stance).strip().casefold()

    strong = [p for p in group.people if group.influence[p.key] >= INFLUENTIAL]
    skeptics = group.by_influence(p.key for p in strong if stance(p) == "skeptic")
    supporters = sorted(
        (p for p in strong if stance(p) == "supporter"),
        key=lambda p: (
            str(p.role).strip().casefold() != "champion",
            -group.influence[p.key],
            p.key,
        ),
    )
    if not skeptics and not supporters:
        return None
    effect = -min(SKEPTIC_CAP, SKEPTIC_PENALTY * len(skeptics))
    backer = ""
    if supporters:
        effect += SUPPORTER_BONUS
        backer = _name(state, supporters[0].key)
    if skeptics:
        doubters = _listed(state, skeptics, 3)
        who = "is an influential skeptic" if len(skeptics) == 1 else "are influential skeptics"
        if backer:
            why = f"{doubters} {who}, while {backer}, an influential supporter, backs the story."
        else:
            why = f"{doubters} {who}: win them over before asking for a decision."
    else:
        why = f"{backer}, an influential supporter, can champion one story to the group."
    return Factor("Stance mix", effect, why)


def _size_factor(group: _Group) -> Factor | None:
    size = len(group.people)
    effect = -min(SIZE_CAP, max(0, size - SIZE_FREE))
    if not effect:
        return None
    if size >= 6:
        why = (
            "Groups of 6 or more buy less often (published CEB figure: 31% with six), "
            f"and this one has {size} people."
        )
    else:
        percent = round(baseline_purchase_likelihood(size) * 100)
        why = (
            f"A group of {size} buys less often than a single decision maker (published CEB "
            f"baseline: about {percent}%, against 81% with one)."
        )
    return Factor("Group size", effect, why)


def _unaligned_factor(state: GroupState, group: _Group) -> Factor | None:
    unreached = group.by_influence(k for k in group.keys if not group.reached(k))
    if not unreached:
        return None
    total = sum(group.influence.values())
    share = sum(group.influence[k] for k in unreached) / total
    effect = -round(UNALIGNED_MAX_PENALTY * share)
    if len(unreached) == len(group.people):
        why = (
            f"None of the {len(unreached)} members has been reached yet: start with "
            f"{_listed(state, unreached, 3)}."
        )
        if len(unreached) == 1:
            why = f"{_name(state, unreached[0])}, the only member, has not been reached yet."
        return Factor("Unaligned members", effect, why)
    verb = "has" if len(unreached) == 1 else "have"
    return Factor(
        "Unaligned members",
        effect,
        f"{_listed(state, unreached, 3)} {verb} not been reached yet "
        f"({_percent(share)} of the group's influence).",
    )


def _tailoring_factor(state: GroupState) -> Factor | None:
    t = float(state.tailoring)
    if not math.isfinite(t) or t <= TAILORING_THRESHOLD:
        return None
    t = min(1.0, t)
    scale = TAILORING_MAX_PENALTY / (1 - TAILORING_THRESHOLD)
    effect = -max(1, round(scale * (t - TAILORING_THRESHOLD)))
    return Factor(
        "Individual tailoring",
        effect,
        f"Most recent touches went to one person only ({_percent(t)} in the last 30 days): "
        "each member hears a different story.",
    )


# ------------------------------------------------------------------------- public


def readiness(state: GroupState) -> Readiness:
    """Consensus readiness of a buying group, 0..100, with the factors behind it."""
    group = _group(state)
    if not group.people:
        return Readiness(
            score=0,
            factors=(
                Factor(
                    "Group size",
                    -BASE,
                    "Nobody is mapped in this group yet, so there is no one to bring to consensus.",
                ),
            ),
        )
    candidates = (
        _divergence_factor(state, group),
        _common_ground_factor(state),
        _factions_factor(state, group),
        _bridge_factor(state, group),
        _roles_factor(state),
        _stance_factor(state, group),
        _size_factor(group),
        _unaligned_factor(state, group),
        _tailoring_factor(state),
    )
    factors = tuple(
        sorted(
            (f for f in candidates if f is not None),
            key=lambda f: (-abs(f.effect), f.name),
        )
    )
    score = min(100, max(0, BASE + sum(f.effect for f in factors)))
    return Readiness(score=score, factors=factors)
