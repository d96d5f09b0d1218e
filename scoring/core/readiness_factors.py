"""The factors of consensus readiness, one function each, with the points they may add or
take away (the rules table is in :mod:`scoring.core.readiness`). Pure Python, no Django.
"""

from __future__ import annotations

import math
from itertools import combinations

from scoring.core.baseline import baseline_purchase_likelihood
from scoring.core.divergence import pairwise_divergences
from scoring.core.graph import Person
from scoring.core.readiness_state import (
    Factor,
    GroupState,
    _Group,
    _group,
    _join,
    _listed,
    _name,
    _percent,
    _pooled,
    _real_factions,
    _side,
    _theme,
)

_DECIMALS = 9


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


def faction_gap(state: GroupState) -> tuple[tuple[int, int, float], ...]:
    """Pairwise divergence between the pooled (influence-weighted) exposures of factions.

    Indices point into ``state.insights.factions``; only factions with more than one
    member take part. A faction nobody in it has been reached has gap 1 to every other.
    Sorted by gap, largest first, then by the indices.
    """
    return _faction_gap(state, _group(state))


def _faction_gap(state: GroupState, group: _Group) -> tuple[tuple[int, int, float], ...]:
    real = _real_factions(state)
    pooled = {str(i): _pooled(group, faction) for i, faction in real}
    pairs = [(str(i), str(j)) for (i, _), (j, _) in combinations(real, 2)]
    found = pairwise_divergences(pooled, pairs)  # all pairs in one batch
    gaps = [(int(a), int(b), round(found[(a, b)], _DECIMALS)) for a, b in pairs]
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
    shown = f"divergence {round(d * 100)} of 100"
    if d < DIVERGENCE_BONUS_BELOW and reached_most:
        effect += DIVERGENCE_BONUS
    contributions = state.divergence.member_contributions
    furthest = [k for k, v in contributions if v > 0 and group.reached(k)][:2]
    apart = ""
    if furthest:
        verb = "is" if len(furthest) == 1 else "are"
        apart = f"; {_join([_name(state, k) for k in furthest])} {verb} furthest from the rest"
    if d == 0:
        why = "Everyone has heard the same mix of themes (divergence 0 of 100)."
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


def _common_ground_factor(state: GroupState, group: _Group) -> Factor:
    ranked = sorted(
        ((slug, min(1.0, max(0.0, float(c)))) for slug, c in state.common_ground),
        key=lambda item: (-item[1], item[0]),
    )
    ranked = [(slug, c) for slug, c in ranked if math.isfinite(c) and c > 0]
    # Priorities alone are not common ground: something must have reached someone.
    if not ranked or not group.exposure:
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
