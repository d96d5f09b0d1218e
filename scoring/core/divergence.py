"""How far apart the stories heard by a buying group's members are.

Plain Python and numpy, no Django. Scores are built on the Jensen-Shannon divergence
(log base 2) and always lie in [0, 1]: 0 means everyone heard the same mix of themes,
1 means no two members share a theme.

Group divergence, ``use="exposure"`` (the default):

* Members whose exposure is empty (never touched) are *unaligned*. They are left out of
  the Jensen-Shannon part, but they have heard nothing of the group's story, so each
  counts as fully divergent. With ``u`` the influence share of unaligned members among
  all members and ``J`` the normalised Jensen-Shannon divergence of the aligned members::

      score = (1 - u) * J + u

  When everybody is aligned, ``u = 0`` and the score is ``J`` (identical exposures give
  0). With no aligned member at all, nobody has heard a shared story and the score is 1;
  with no member at all it is 0.
* ``J = JS_w / H(w)`` where ``JS_w = H(sum_i w_i P_i) - sum_i w_i H(P_i)``, ``w_i`` is
  the influence share among aligned members and ``H(w)`` the entropy of the weights,
  the largest value ``JS_w`` can take for them (reached when supports are disjoint).
  One aligned member gives ``J = 0``.

Priority divergence, ``use="priorities"``: the same formula on normalised priorities,
except that members without stated priorities are only reported as ``unaligned``: an
unknown priority is missing data, not disagreement, so it does not raise the score.

Contributions explain the score and sum to it (up to float rounding):

* themes: ``JS_w`` splits exactly by theme, ``sum_i w_i P_i(t) log2(P_i(t) / M(t))``
  (never negative, by convexity), scaled by ``(1 - u) / H(w)``; the unaligned part ``u``
  is spread over the themes in proportion to the group's mix ``M`` (the story they
  missed). With no aligned member there is no theme to show and the list is empty.
* members: aligned ``(1 - u) * w_i * KL(P_i || M) / H(w)``; unaligned their influence
  share of the group.

Influence that is zero, negative or not a finite number counts as zero weight; when all
weights in a set are zero, its members weigh equally. Theme weights that are not
positive finite numbers are ignored. Values within 1e-12 of 0 or 1 are snapped to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from scoring.core.exposure import positive_weights, to_distribution
from scoring.core.jensen_shannon import terms as _jensen_shannon_terms

USES = ("exposure", "priorities")
SNAP = 1e-12  # values this close to 0 or 1 are snapped to it


def _no_priorities() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Member:
    key: str
    influence: float  # > 0 (1..5 in the app)
    exposure: Mapping[str, float] = field(hash=False)  # distribution; empty = unaligned
    priorities: Mapping[str, float] = field(default_factory=_no_priorities, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "exposure", MappingProxyType(dict(self.exposure)))
        object.__setattr__(self, "priorities", MappingProxyType(dict(self.priorities)))


@dataclass(frozen=True)
class Divergence:
    score: float  # [0, 1]
    theme_contributions: tuple[tuple[str, float], ...]  # largest first, then by slug
    member_contributions: tuple[tuple[str, float], ...]  # largest first, then by key
    unaligned: tuple[str, ...]  # members with an empty distribution, most influential first


def divergence(members: Sequence[Member], *, use: str = "exposure") -> Divergence:
    """Influence-weighted, normalised Jensen-Shannon divergence of a group (see module)."""
    members = list(members)
    if not members:
        _check(members, use)
        return Divergence(score=0.0, theme_contributions=(), member_contributions=(), unaligned=())
    _check(members, use)
    penalise = use == "exposure"
    group = _Terms(
        [positive_weights(m.exposure if penalise else m.priorities) for m in members],
        [m.influence for m in members],
        penalise=penalise,
    )
    return _divergence([m.key for m in members], group)


def divergence_and_common_ground(
    keys: Sequence[str],
    influence: Sequence[float],
    exposures: Sequence[Mapping[str, float]],
    priorities: Sequence[Mapping[str, float]],
) -> tuple[Divergence, tuple[tuple[str, float], ...]]:
    """``divergence(members)`` and ``common_ground(members)`` of the members these columns
    describe (one entry each, in the same order), without making the members."""
    if not len(keys) == len(influence) == len(exposures) == len(priorities):
        raise ValueError("one influence, exposure and priorities per key")
    if len(set(keys)) != len(keys):
        raise ValueError("member keys must be unique")
    if not keys:
        return divergence([]), ()
    heard = [positive_weights(mapping) for mapping in exposures]
    group = _Terms(heard, influence, penalise=True)
    cares = [positive_weights(mapping) for mapping in priorities]
    themes = [a.keys() | b.keys() for a, b in zip(heard, cares, strict=True)]
    return _divergence(list(keys), group), _coverage(group.group_shares, themes)


def _divergence(keys: list[str], group: _Terms) -> Divergence:
    terms, mix = group.terms, group.mix
    theme_raw = np.maximum(terms.sum(axis=0), 0.0)
    member_raw = np.maximum(terms.sum(axis=1), 0.0)
    js = float(theme_raw.sum())
    aligned_part = group.aligned_share * group.normalised(js)
    unaligned_share = group.unaligned_share

    theme_scale = aligned_part / js if js > 0 else 0.0
    theme_values = theme_raw * theme_scale + unaligned_share * mix
    theme_contributions = _ranked(zip(group.themes, theme_values.tolist(), strict=True))

    member_values = [0.0] * len(keys)
    member_total = float(member_raw.sum())
    if member_total > 0:
        for i, raw in zip(group.used, member_raw.tolist(), strict=True):
            member_values[i] = aligned_part * raw / member_total
    if group.penalise_unaligned:
        for i in group.unaligned:
            member_values[i] = group.group_shares[i]  # these add up to unaligned_share
    member_contributions = _ranked(zip(keys, member_values, strict=True))

    influence = group.influence
    order = sorted(group.unaligned, key=lambda i: (-influence[i], keys[i]))
    return Divergence(
        score=_unit(aligned_part + unaligned_share),
        theme_contributions=theme_contributions,
        member_contributions=member_contributions,
        unaligned=tuple(keys[i] for i in order),
    )


def exposure_divergence(
    exposures: Sequence[Mapping[str, float]], influence: Sequence[float]
) -> float:
    """``divergence(members).score`` of members with these exposures and influence (one
    each, in the same order), without making the members or the contributions."""
    if len(exposures) != len(influence):
        raise ValueError("one influence per exposure")
    if not exposures:
        return 0.0
    group = _Terms([positive_weights(e) for e in exposures], influence, penalise=True)
    js = float(np.maximum(group.terms.sum(axis=0), 0.0).sum())
    return _unit(group.aligned_share * group.normalised(js) + group.unaligned_share)


class _Terms:
    """A group's Jensen-Shannon terms (members x themes, in bits), as both the score and
    its contributions read them: aligned members with a positive weight only."""

    def __init__(
        self, weights: Sequence[Mapping[str, float]], influence: Sequence[float], *, penalise: bool
    ) -> None:
        self.penalise_unaligned = penalise
        # Each member's usable weights (`positive_weights`), normalised below as
        # `_normalised` does it.
        usable = weights
        self.influence = influence = [_influence(value) for value in influence]
        aligned = [i for i, d in enumerate(usable) if d]
        self.unaligned = unaligned = [i for i, d in enumerate(usable) if not d]

        # Influence share of the unaligned members among everybody.
        self.group_shares = group_shares = _shares(influence)
        if not penalise or not unaligned:
            unaligned_share = 0.0
        elif not aligned:
            unaligned_share = 1.0
        else:
            unaligned_share = _unit(math.fsum(group_shares[i] for i in unaligned))
        self.unaligned_share = unaligned_share
        self.aligned_share = 1.0 - unaligned_share

        # Jensen-Shannon part over aligned members with positive weight.
        weights = _shares([influence[i] for i in aligned])
        used = [(i, w) for i, w in zip(aligned, weights, strict=True) if w > 0]
        self.used = [i for i, _ in used]
        rows, totals = [], []
        for i in self.used:
            total = sum(usable[i].values())
            if 0.0 < total < math.inf:
                rows.append(usable[i])
                totals.append(total)
            else:  # the total overflowed: the careful way, as `_normalised`
                rows.append(to_distribution(usable[i]))
                totals.append(1.0)
        self.themes = themes = sorted({t for d in rows for t in d})
        column = {t: j for j, t in enumerate(themes)}
        p = np.zeros((len(rows), len(themes)))
        if themes:  # each member's row: their weights over their total
            at = np.repeat(np.arange(len(rows)), [len(d) for d in rows])
            values = np.array([v for d in rows for v in d.values()], dtype=float)
            p[at, [column[t] for d in rows for t in d]] = values / np.array(totals)[at]
        w = np.array([wi for _, wi in used], dtype=float)
        batch_terms, batch_mix, entropy = _jensen_shannon_terms(w[None, :], p[None, :, :])
        self.terms, self.mix, self.weight_entropy = batch_terms[0], batch_mix[0], float(entropy[0])

    def normalised(self, js: float) -> float:
        """J: the Jensen-Shannon divergence `js` over the weights' entropy."""
        entropy = self.weight_entropy
        return _snap(js / entropy) if entropy > 0 and js > 0 else 0.0


def _check(members: Sequence[Member], use: str) -> None:
    if use not in USES:
        raise ValueError(f"use must be one of {USES}, not {use!r}")
    _require_unique_keys(members)


def influence_shares(influence: np.ndarray) -> np.ndarray:
    """Members' influence (already cleaned: positive finite numbers, else 0) as shares of
    the whole group, as :func:`scoring.core.divergence_batch.divergence_batch` weighs them
    (equal when all are 0)."""
    return np.array(_shares(influence.tolist()))


def pairwise_divergence(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Jensen-Shannon divergence of two distributions in [0, 1]; 1.0 if either is empty.

    Symmetric; 0 for the same mix of themes, 1 when no theme is shared. Used as the
    friction on a relationship edge.
    """
    return pairwise_divergences({"p": p, "q": q}, [("p", "q")])[("p", "q")]


def pairwise_divergences(
    distributions: Mapping[str, Mapping[str, float]], pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """:func:`pairwise_divergence` of ``distributions[a]`` and ``distributions[b]`` for
    every ``(a, b)`` in ``pairs`` (a key not in ``distributions`` has an empty one), each
    distribution normalised once however many pairs it is in, all pairs in one batch of
    the Jensen-Shannon formula with equal weights (so the weights' entropy is 1 bit)."""
    pairs = list(dict.fromkeys(pairs))
    normalised: dict[str, dict[str, float]] = {}
    for key in {key for pair in pairs for key in pair}:
        normalised[key] = _normalised(distributions.get(key, {}))
    result = {pair: 1.0 for pair in pairs if not normalised[pair[0]] or not normalised[pair[1]]}
    both = [pair for pair in pairs if pair not in result]
    if not both:
        return {pair: result[pair] for pair in pairs}
    keys = sorted({key for pair in both for key in pair})
    row = {key: i for i, key in enumerate(keys)}
    themes = sorted({t for key in keys for t in normalised[key]})
    column = {t: j for j, t in enumerate(themes)}
    table = np.zeros((len(keys), len(themes)))
    for key in keys:
        for t, v in normalised[key].items():
            table[row[key], column[t]] = v
    index = np.fromiter(
        (row[key] for pair in both for key in pair), dtype=np.intp, count=2 * len(both)
    ).reshape(len(both), 2)
    terms, _mix, _entropy = _jensen_shannon_terms(np.full((len(both), 2), 0.5), table[index])
    # fsum: the correctly rounded sum, so a pair's value does not depend on how many
    # other themes (zeros for this pair) the batch has, as numpy's pairwise sum would.
    for pair, row in zip(both, terms.reshape(len(both), -1).tolist(), strict=True):
        result[pair] = _snap(math.fsum(row))
    return {pair: result[pair] for pair in pairs}


def common_ground(
    members: Sequence[Member], *, use_priorities: bool = True
) -> tuple[tuple[str, float], ...]:
    """Theme -> coverage in [0, 1]: the influence share of members who have heard the
    theme (exposure > 0) or, with ``use_priorities``, care about it (priority > 0).

    Everybody counts in the denominator, unaligned members too. Sorted by coverage,
    largest first, then by slug.
    """
    members = list(members)
    _require_unique_keys(members)
    if not members:
        return ()
    shares = _shares([_influence(m.influence) for m in members])
    themes = []
    for member in members:
        found = set(positive_weights(member.exposure))
        if use_priorities:
            found.update(positive_weights(member.priorities))
        themes.append(found)
    return _coverage(shares, themes)


def _coverage(shares: Sequence[float], themes: Sequence[Iterable[str]]) -> tuple:
    """Theme -> the (exact) sum of the shares of the members whose `themes` have it."""
    coverage: dict[str, list[float]] = {}
    for found, share in zip(themes, shares, strict=True):
        for theme in found:
            coverage.setdefault(theme, []).append(share)
    return _ranked((t, _unit(math.fsum(s))) for t, s in coverage.items())


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    """Positive, finite weights scaled to sum 1 (unsorted); empty when nothing is usable."""
    values = positive_weights(weights)
    total = sum(values.values())  # may be inf (fsum would raise): handled below
    if 0.0 < total < math.inf:
        return {key: v / total for key, v in values.items()}
    return to_distribution(values)  # the total overflowed: the careful way


def _influence(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ArithmeticError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _shares(values: Sequence[float]) -> list[float]:
    """Values as shares of their total; equal shares when all are zero."""
    if not values:
        return []
    largest = max(values)
    if largest <= 0:
        return [1.0 / len(values)] * len(values)
    scaled = [v / largest for v in values]
    total = math.fsum(scaled)
    return [v / total for v in scaled]


def _unit(value: float) -> float:
    """Clamp into [0, 1]; NaN becomes 0."""
    if not math.isfinite(value):
        return 1.0 if value == math.inf else 0.0
    return min(1.0, max(0.0, value))


def _snap(value: float) -> float:
    value = _unit(value)
    if value < SNAP:
        return 0.0
    if value > 1.0 - SNAP:
        return 1.0
    return value


def _ranked(items: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    cleaned = ((key, _unit(float(value))) for key, value in items)
    return tuple(sorted(cleaned, key=lambda item: (-item[1], item[0])))


def _require_unique_keys(members: Sequence[Member]) -> None:
    keys = [m.key for m in members]
    if len(set(keys)) != len(keys):
        raise ValueError("member keys must be unique")
