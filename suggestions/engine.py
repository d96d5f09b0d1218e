"""What to send next so that a whole buying group hears one shared-problem story.

Plain Python and numpy, no Django. The adapter describes the group (:class:`Audience`,
one per member) and the content library (:class:`Candidate`, one per asset) and calls
:func:`suggest`, which returns a :class:`Plan`: a small set of assets to send to everyone
who may be contacted, a longer ranking to browse, and what sending the set would do.

How an asset is scored (each part is a number from 0 to 1)
---------------------------------------------------------
First we work out what the group *needs to hear*: a weight per theme that mixes

* what members say they care about (their priorities, weighted by influence), 40%;
* the themes that pull the group apart today (each theme's share of the divergence
  score: everybody hearing the same thing on them brings the group together), 30%;
* the common ground (the share of influence that has heard or cares about a theme), 30%.

A part with nothing in it (say, nobody has stated priorities) is left out and the others
share its weight. Then each asset gets

==================  ======  ==========================================================
Part                Weight  How it is measured
==================  ======  ==========================================================
Coverage            0.35    The group need carried by the asset's themes, compared with
                            the need carried by the three biggest themes:
                            ``1 - exp(-2 * covered / top_three)``. Every theme the
                            asset adds that the group needs raises it.
Reach               0.15    Share of influence (whole group) that has heard or cares
                            about at least one of the asset's themes.
Framing             0.15    shared problem 1, solution 0.5, individual 0.
Level               0.10    mass-customised (for this kind of group) 1, mass 0.7,
                            individualised (one person) 0.
Stage fit           0.15    The asset's buying job equals the group's: 1; the job just
                            before or after: 0.4. Consensus creation content is always a
                            decent fit when the group is split: up to 0.75, reached at
                            divergence 0.4.
Not seen yet        0.10    Share of the contactable members' influence who have not
                            received it.
==================  ======  ==========================================================

The weighted sum is then multiplied by two factors. An individualised asset is halved (it
tells one person their own story, the pattern that lowers group consensus). An asset that
would *widen* the divergence if sent to every contactable member loses up to half its
score: ``1 - 0.5 * min(1, widening / 0.1)``. That widening is computed exactly (by
simulating the send, see :func:`simulate`) for the assets that could reach the top of the
ranking: at least the 30 best by the weighted sum, and more until no unchecked asset could
beat the last one shown (at most 256; any further assets keep their unchecked score,
which is an upper bound). Scores are shown with four decimals; ties go to the smaller key.

The set to send (:attr:`Plan.suggestions`)
------------------------------------------
Chosen greedily, one asset at a time. After each pick the group's exposures are simulated
as if the set so far had been sent, the group need is worked out again from them, and every
theme the set already covers keeps only a quarter of its need for each asset that covers
it. So the next pick is scored on what the set does not say yet. An asset is never picked
when it

* is individualised (written for one person: it would deepen the split);
* has no themes, or tells nearly the same mix of themes as an earlier pick (cosine
  similarity of the theme mixes 0.9 or more);
* adds no needed theme the set lacks, while another eligible asset does;
* would take the divergence more than 0.02 above where it stands before that pick, or more
  than 0.02 above the group's divergence today. Small widenings are tolerated because in a
  group that already hears one story, any new theme reaches people with more history a
  little less; the plan warns when the whole set widens the divergence at all.

Among the eligible assets, the pick is the one with the best score computed this way
(coverage of the remaining need, the same other parts, the widening factor measured from
the state before the pick). The set can be shorter than asked for when nothing else fits.
Each pick is shown with its score in the ranking, in the order it was picked, and
``divergence_after`` / ``readiness_after`` describe sending the whole set; ``readiness_of``
is called once for today and once for that, never per asset.

Recipients
----------
Every member who has consented to contact, and nobody else. The person to send to first
is the most influential broker (someone linking the sides of the group) who may be
contacted, else the most influential Champion, else the most influential contactable
member; ties go to the smaller key. Recipients list that person first, then the rest by
influence (highest first) and key.

Simulating a send
-----------------
Each member's exposure is a mix of themes backed by a *mass* (the recency-weighted number
of touches behind it, see :func:`scoring.core.exposure.exposure_mass`). Sending assets
to a member who may be contacted gives ``normalise(exposure * mass + sum of the assets'
normalised themes * weight_new_touch)``; everybody else keeps what they had. A member with
an exposure but no usable mass counts as one touch.

Determinism: the result depends only on the inputs' content, never on their order.
Influence that is not a positive finite number counts as zero (when all are zero, members
weigh equally), as in :mod:`scoring.core.divergence`. Theme weights that are not
positive finite numbers are ignored. Keys must be unique among members and among assets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from scoring.core.divergence import Member, divergence, divergence_batch
from scoring.core.exposure import positive_weights, to_distribution

STAGES = (
    "problem_identification",
    "solution_exploration",
    "requirements_building",
    "supplier_selection",
    "validation",
    "consensus_creation",
)
CONSENSUS_STAGE = "consensus_creation"

# Group need: how the three views of "what this group needs to hear" are mixed.
NEED_PRIORITIES = 0.4
NEED_DIVERGENCE = 0.3
NEED_COMMON_GROUND = 0.3

# Parts of an asset's score (they add up to 1).
W_COVERAGE = 0.35
W_REACH = 0.15
W_FRAMING = 0.15
W_LEVEL = 0.10
W_STAGE = 0.15
W_UNSEEN = 0.10

COVERAGE_TOP_THEMES = 3
COVERAGE_STEEPNESS = 2.0

FRAMING_FIT = {"shared_problem": 1.0, "solution": 0.5, "individual": 0.0}
LEVEL_FIT = {"mass_customized": 1.0, "mass": 0.7, "individualized": 0.0}
UNKNOWN_FIT = 0.5  # a framing or level the library does not know
INDIVIDUALIZED = "individualized"
INDIVIDUALIZED_FACTOR = 0.5

STAGE_EXACT = 1.0
STAGE_ADJACENT = 0.4
CONSENSUS_FIT = 0.75
HIGH_DIVERGENCE = 0.4

WIDEN_SCALE = 0.1
WIDEN_MAX_PENALTY = 0.5

# The set.
SET_WIDEN_TOLERANCE = 0.02
COVERED_RESIDUAL = 0.25
NEAR_DUPLICATE = 0.9

# Exact divergence checks while ranking.
EXACT_MIN = 30
EXACT_MAX = 256
EXACT_BATCH = 32

SCORE_DECIMALS = 4
_SNAP = 1e-12
_CHAMPION = "champion"


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Candidate:
    """An asset of the content library."""

    key: str
    title: str
    framing: str  # shared_problem | solution | individual
    level: str  # mass | mass_customized | individualized
    stage: str  # one of STAGES
    themes: Mapping[str, float] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "themes", _frozen(self.themes))


@dataclass(frozen=True)
class Audience:
    """One member of the buying group."""

    key: str
    name: str
    influence: float
    role: str  # HubSpot buying role label, e.g. "Champion"
    consent: bool
    exposure: Mapping[str, float] = field(hash=False)  # normalised; empty = never reached
    mass: float  # recency-weighted touch weight behind the exposure (0 if none)
    priorities: Mapping[str, float] = field(hash=False)
    seen: frozenset[str]  # candidate keys this person already received
    broker: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "exposure", _frozen(self.exposure))
        object.__setattr__(self, "priorities", _frozen(self.priorities))
        object.__setattr__(self, "seen", frozenset(self.seen))


@dataclass(frozen=True)
class Suggestion:
    asset: str
    title: str
    score: float  # 0..1
    reasons: tuple[str, ...]  # 2 to 4 plain-words sentences
    recipients: tuple[str, ...]  # keys; the first is the person to send it to first
    send_first: str | None


@dataclass(frozen=True)
class Plan:
    suggestions: tuple[Suggestion, ...]  # the set to send, in the order it was picked
    ranked: tuple[Suggestion, ...]  # the best assets one by one, best first
    divergence_before: float
    divergence_after: float  # if the whole set is sent to every contactable member
    readiness_before: int | None
    readiness_after: int | None
    warnings: tuple[str, ...]


# ----------------------------------------------------------------------------- public


def simulate(
    audience: Sequence[Audience],
    assets: Sequence[Candidate],
    *,
    weight_new_touch: float = 1.0,
) -> dict[str, dict[str, float]]:
    """Every member's exposure after ``assets`` are sent to every member who consented.

    ``new = normalise(old * mass + sum(normalised asset themes) * weight_new_touch)``,
    sorted by weight, largest first. Members without consent (and everybody, when nothing
    is sent) keep their exposure: exactly as given when it already is a distribution,
    normalised otherwise. Keys are all members' keys; an empty dict means never reached.
    """
    weight = _check_weight(weight_new_touch)
    _require_unique([m.key for m in audience], "audience")
    sent: dict[str, float] = {}
    for asset in assets:
        for theme, value in _normalised(asset.themes).items():
            sent[theme] = sent.get(theme, 0.0) + value * weight
    result: dict[str, dict[str, float]] = {}
    for member in audience:
        current = _normalised(member.exposure)
        if not member.consent or not sent:
            result[member.key] = _unchanged(member.exposure, current)
            continue
        mass = _mass(member.mass, current)
        mixed = {theme: value * mass for theme, value in current.items()}
        for theme, value in sent.items():
            mixed[theme] = mixed.get(theme, 0.0) + value
        result[member.key] = to_distribution(mixed)
    return result


def suggest(
    audience: Sequence[Audience],
    candidates: Sequence[Candidate],
    *,
    stage: str,
    set_size: int = 3,
    top: int = 10,
    weight_new_touch: float = 1.0,
    readiness_of: Callable[[Mapping[str, Mapping[str, float]]], int] | None = None,
    theme_names: Mapping[str, str] | None = None,
) -> Plan:
    """The set of assets to send the whole group, a ranking to browse, and their effect.

    See the module docstring for how assets are scored and the set is chosen.
    """
    weight = _check_weight(weight_new_touch)
    people = sorted(audience, key=_by_key)
    assets = sorted(candidates, key=_by_key)
    _require_unique([m.key for m in people], "audience")
    _require_unique([c.key for c in assets], "candidates")
    names = dict(theme_names or {})

    before_exposures = simulate(people, [], weight_new_touch=weight)
    before = _official_divergence(people, before_exposures)
    readiness_before = (
        readiness_of(_reached(before_exposures)) if readiness_of is not None else None
    )

    def empty(*warnings: str) -> Plan:
        return Plan(
            suggestions=(),
            ranked=(),
            divergence_before=before,
            divergence_after=before,
            readiness_before=readiness_before,
            readiness_after=readiness_before,
            warnings=tuple(warnings),
        )

    if not people:
        return empty("This group has no members yet: map the buying group to get suggestions.")
    contactable = [m for m in people if m.consent]
    if not contactable:
        return empty(
            "Nobody in this group has consented to contact, so there is nobody to send to."
        )
    warnings = []
    left_out = len(people) - len(contactable)
    if left_out == 1:
        warnings.append("1 person has not consented to contact and is left out.")
    elif left_out:
        warnings.append(f"{left_out} people have not consented to contact and are left out.")
    if not assets:
        warnings.append("The content library is empty: add assets to get suggestions.")
        return empty(*warnings)
    if stage not in STAGES:
        warnings.append(
            f"Unknown buying stage {stage!r}: only consensus creation content gets a stage bonus."
        )

    engine = _Engine(people, assets, stage=stage, weight=weight, theme_names=names)
    order, final = engine.rank(top)
    picks = engine.choose(set_size)

    recipients, send_first, first_reason = engine.recipients()

    def suggestion(i: int, score: float, effect: tuple[float, float] | None, **words) -> Suggestion:
        return Suggestion(
            asset=assets[i].key,
            title=assets[i].title,
            score=round(min(1.0, max(0.0, float(score))), SCORE_DECIMALS),
            reasons=engine.reasons(i, effect, first_reason, **words),
            recipients=recipients,
            send_first=send_first,
        )

    ranked = tuple(suggestion(i, final[i], engine.effect(i)) for i in order[: max(0, top)])
    chosen = tuple(
        suggestion(
            pick.index,
            engine.exact_score(pick.index),
            (pick.before, pick.after),
            new=pick.new if position else (),
            after_earlier=position > 0,
        )
        for position, pick in enumerate(picks)
    )

    if picks:
        after_exposures = simulate(
            people, [assets[p.index] for p in picks], weight_new_touch=weight
        )
        after = _official_divergence(people, after_exposures)
        readiness_after = (
            readiness_of(_reached(after_exposures)) if readiness_of is not None else None
        )
    else:
        after, readiness_after = before, readiness_before
        if set_size > 0:
            warnings.append(engine.why_no_set())
    if after > before + 1e-9:
        warnings.append(
            f"Sending this set would widen the divergence slightly ({before:.2f} to "
            f"{after:.2f}): people who have heard a lot already, or cannot be contacted, "
            "move less than the rest."
        )
    return Plan(
        suggestions=chosen,
        ranked=ranked,
        divergence_before=before,
        divergence_after=after,
        readiness_before=readiness_before,
        readiness_after=readiness_after,
        warnings=tuple(warnings),
    )


# ----------------------------------------------------------------------------- engine


class _Engine:
    """The group and the library as arrays, in key order (members, assets, themes)."""

    def __init__(
        self,
        people: list[Audience],
        assets: list[Candidate],
        *,
        stage: str,
        weight: float,
        theme_names: Mapping[str, str],
    ) -> None:
        self.people = people
        self.assets = assets
        self.stage = stage
        self.theme_names = theme_names

        exposures = [_normalised(m.exposure) for m in people]
        priorities = [_normalised(m.priorities) for m in people]
        rows, names, values = _asset_entries(assets)
        slugs = set(names)
        for mapping in (*exposures, *priorities):
            slugs.update(mapping)
        self.themes = sorted(slugs)
        column = {t: j for j, t in enumerate(self.themes)}
        n_people, n_themes, n_assets = len(people), len(self.themes), len(assets)

        influence = np.array([_influence(m.influence) for m in people])
        self.influence = influence
        self.shares = _shares(influence)
        self.consent = np.array([1.0 if m.consent else 0.0 for m in people])
        contact_shares = _shares(influence[self.consent > 0])
        self.contact_share = np.zeros(n_people)
        self.contact_share[self.consent > 0] = contact_shares

        base = np.zeros((n_people, n_themes))
        prio = np.zeros((n_people, n_themes))
        for i, (member, exp, pri) in enumerate(zip(people, exposures, priorities, strict=True)):
            mass = _mass(member.mass, exp)
            for t, v in exp.items():
                base[i, column[t]] = v * mass
            for t, v in pri.items():
                prio[i, column[t]] = v
        self.base = base
        self.prio = prio

        # The library as a sparse list of (asset, theme, share of the asset's mix), in asset
        # order: the per-asset sums below are bincounts, which stay fast and single-threaded
        # for any library size. A dense copy serves the few rows that are simulated.
        self.rows = rows
        self.cols = np.array([column[t] for t in names], dtype=np.intp)
        self.shares_in_mix = _row_shares(rows, values, n_assets)
        mix = np.zeros((n_assets, n_themes))
        mix[self.rows, self.cols] = self.shares_in_mix
        self.mix = mix  # each asset's theme mix (rows sum to 1, or 0 without themes)
        self.weight = weight  # a send adds mix * weight to a contactable member's weights
        self.has_themes = np.bincount(rows, minlength=n_assets) > 0
        self.norms = np.sqrt(np.bincount(rows, weights=self.shares_in_mix**2, minlength=n_assets))

        # The group as it is today.
        today, contributions = self.divergence_of(base, np.zeros((1, n_themes)), True)
        self.before = float(today[0])
        self.contributions = contributions[0]
        self.common = self.common_ground(base)
        self.need = self.group_need(base, self.contributions)

        reach = _reach(rows, self.cols, (base > 0) | (prio > 0), self.shares, n_assets)
        framing = np.array([FRAMING_FIT.get(c.framing, UNKNOWN_FIT) for c in assets])
        level = np.array([LEVEL_FIT.get(c.level, UNKNOWN_FIT) for c in assets])
        stage_fit = {name: self._stage_fit(name) for name in {c.stage for c in assets}}
        self.stage_fit = np.array([stage_fit[c.stage] for c in assets])
        seen_share = np.zeros(n_assets)
        index = {c.key: k for k, c in enumerate(assets)}
        for i, member in enumerate(people):
            if self.contact_share[i] > 0:
                for key in member.seen:
                    k = index.get(key)
                    if k is not None:
                        seen_share[k] += self.contact_share[i]
        self.unseen = np.clip(1.0 - seen_share, 0.0, 1.0)
        self.individualized = np.array([c.level == INDIVIDUALIZED for c in assets])
        self.factor = np.where(self.individualized, INDIVIDUALIZED_FACTOR, 1.0)
        self.fixed = (
            W_REACH * np.clip(reach, 0.0, 1.0)
            + W_FRAMING * framing
            + W_LEVEL * level
            + W_STAGE * self.stage_fit
            + W_UNSEEN * self.unseen
        )
        self.linear = self.scored(self.need, self.need)
        self._widen: dict[int, float] = {}
        self._after: dict[int, float] = {}

    # -- the pieces of a score

    def _stage_fit(self, asset_stage: str) -> float:
        if asset_stage == self.stage:
            return STAGE_EXACT
        fit = 0.0
        known = asset_stage in STAGES and self.stage in STAGES
        if known and abs(STAGES.index(asset_stage) - STAGES.index(self.stage)) == 1:
            fit = STAGE_ADJACENT
        if asset_stage == CONSENSUS_STAGE:
            fit = max(fit, CONSENSUS_FIT * min(1.0, self.before / HIGH_DIVERGENCE))
        return fit

    def common_ground(self, weights: np.ndarray) -> np.ndarray:
        heard_or_cares = ((weights > 0) | (self.prio > 0)).astype(float)
        return np.clip(self.shares @ heard_or_cares, 0.0, 1.0)

    def group_need(self, weights: np.ndarray, contributions: np.ndarray) -> np.ndarray:
        parts = (
            (NEED_PRIORITIES, self.shares @ self.prio),
            (NEED_DIVERGENCE, contributions),
            (NEED_COMMON_GROUND, self.common_ground(weights)),
        )
        need = np.zeros(len(self.themes))
        used = 0.0
        for share, values in parts:
            total = float(values.sum())
            if total > 0:
                need += share * values / total
                used += share
        return need / used if used > 0 else need

    def scored(self, need: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """Weighted sum times the individualised factor, with coverage of ``need``."""
        top = float(np.sort(reference)[::-1][:COVERAGE_TOP_THEMES].sum())
        covered = np.bincount(self.rows, weights=need[self.cols], minlength=len(self.assets))
        coverage = 1.0 - np.exp(-COVERAGE_STEEPNESS * covered / top) if top > 0 else covered * 0
        return np.clip((W_COVERAGE * coverage + self.fixed) * self.factor, 0.0, 1.0)

    def similarity(self, i: int) -> np.ndarray:
        """Cosine similarity of every asset's theme mix with asset i's (0 without themes)."""
        dots = np.bincount(
            self.rows,
            weights=self.shares_in_mix * self.mix[i][self.cols],
            minlength=len(self.assets),
        )
        scale = self.norms * self.norms[i]
        return np.where(scale > 0, dots / np.where(scale > 0, scale, 1.0), 0.0)

    def divergence_of(
        self, weights: np.ndarray, adds: np.ndarray, contributions: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None]:
        return _divergence_batch(
            weights, adds, self.consent, self.influence, self.shares, contributions
        )

    # -- ranking

    def check(self, indexes: Sequence[int]) -> None:
        """Exact divergence after sending each asset alone to every contactable member."""
        todo = [i for i in indexes if i not in self._after]
        for start in range(0, len(todo), EXACT_BATCH):
            chunk = todo[start : start + EXACT_BATCH]
            after, _ = self.divergence_of(self.base, self.mix[chunk] * self.weight)
            for i, value in zip(chunk, after.tolist(), strict=True):
                self._after[i] = value
                self._widen[i] = max(0.0, value - self.before)

    def widening(self, i: int) -> float:
        self.check([i])
        return self._widen[i]

    def effect(self, i: int) -> tuple[float, float] | None:
        """(divergence today, after sending asset i alone) when that was computed."""
        after = self._after.get(i)
        return None if after is None else (self.before, after)

    def exact_score(self, i: int) -> float:
        return float(self.linear[i]) * _widen_factor(self.widening(i))

    def rank(self, top: int) -> tuple[list[int], np.ndarray]:
        """Asset indexes best first, and the score of every asset.

        Checks assets in order of their unchecked score (an upper bound) until the ``top``
        best checked scores are at least the next unchecked one, so the ranking shown is
        exact (unless more than EXACT_MAX assets would need a check).
        """
        linear = self.linear
        order = np.lexsort((np.arange(len(linear)), -linear)).tolist()
        final = linear.copy()
        checked: list[int] = []
        position = 0
        while position < len(order) and len(checked) < EXACT_MAX:
            batch = order[position : position + EXACT_BATCH]
            self.check(batch)
            for i in batch:
                final[i] = self.exact_score(i)
            checked.extend(batch)
            position += len(batch)
            if position >= len(order) or len(checked) < EXACT_MIN:
                continue
            best = np.sort(final[checked])[::-1]
            wanted = min(len(best), max(1, top))
            if best[wanted - 1] >= linear[order[position]]:
                break
        ranking = np.lexsort((np.arange(len(final)), -final)).tolist()
        return ranking, final

    # -- the set

    def choose(self, size: int) -> list[_Pick]:
        """The set, picked greedily (see the module docstring)."""
        picks: list[_Pick] = []
        state = self.base.copy()
        current = self.before
        covered = np.zeros(len(self.themes))
        closest = np.full(len(self.assets), -1.0)  # highest similarity to a pick
        taken = np.zeros(len(self.assets), dtype=bool)
        for step in range(max(0, size)):
            if step == 0:
                need, score = self.need, self.linear
            else:
                _, contributions = self.divergence_of(state, np.zeros((1, len(self.themes))), True)
                need = self.group_need(state, contributions[0])
                score = self.scored(need * COVERED_RESIDUAL**covered, need)
            eligible = self.has_themes & ~self.individualized & ~taken & (closest < NEAR_DUPLICATE)
            if step:
                # Assets that add a needed theme the set lacks go first, when there are any.
                lacking = ((covered == 0) & (need > 0)).astype(float)[self.cols]
                adds_theme = np.bincount(self.rows, weights=lacking, minlength=len(eligible)) > 0
                if (eligible & adds_theme).any():
                    eligible &= adds_theme
            candidates = np.flatnonzero(eligible)
            if not len(candidates):
                break
            order = candidates[np.lexsort((candidates, -score[candidates]))].tolist()
            best, best_score, best_after = None, -1.0, current
            limit = min(len(order), EXACT_MAX)
            for start in range(0, limit, EXACT_BATCH):
                chunk = order[start : min(start + EXACT_BATCH, limit)]
                if best is not None and best_score >= score[chunk[0]]:
                    break
                after, _ = self.divergence_of(state, self.mix[chunk] * self.weight)
                for i, value in zip(chunk, after.tolist(), strict=True):
                    ceiling = min(current, self.before) + SET_WIDEN_TOLERANCE
                    if value > ceiling:
                        continue
                    value_score = float(score[i]) * _widen_factor(max(0.0, value - current))
                    if value_score > best_score:  # chunk is in order: ties keep the first
                        best, best_score, best_after = i, value_score, value
            if best is None:
                break
            new = [j for j in np.flatnonzero(self.mix[best]).tolist() if not covered[j]]
            new.sort(key=lambda j: (-need[j], self.themes[j]))
            picks.append(_Pick(best, tuple(self.themes[j] for j in new), current, best_after))
            taken[best] = True
            state = state + self.consent[:, None] * (self.mix[best] * self.weight)[None, :]
            current = best_after
            covered += self.mix[best] > 0
            closest = np.maximum(closest, self.similarity(best))
        return picks

    def why_no_set(self) -> str:
        """Why the greedy set came out empty (the first pick found nothing eligible)."""
        if not self.has_themes.any():
            return "No asset has themes tagged, so none can carry a story to the group."
        if not (self.has_themes & ~self.individualized).any():
            return (
                "Every asset with themes is written for one person: write a shared-problem "
                "piece for the whole group."
            )
        return (
            "No asset can go to the whole group without widening the split: write a "
            "shared-problem piece on the themes the group already shares."
        )

    # -- recipients and words

    def recipients(self) -> tuple[tuple[str, ...], str, str]:
        contactable = [(i, m) for i, m in enumerate(self.people) if self.consent[i] > 0]

        def strongest(group: list[tuple[int, Audience]]) -> Audience | None:
            if not group:
                return None
            return min(group, key=lambda item: (-self.influence[item[0]], item[1].key))[1]

        brokers = strongest([(i, m) for i, m in contactable if m.broker])
        champion = strongest([(i, m) for i, m in contactable if _is_champion(m.role)])
        first = brokers or champion or strongest(contactable)
        assert first is not None  # there is at least one contactable member
        name = first.name or first.key
        if brokers is not None:
            reason = f"Send it to {name} first, who links the sides of the group."
        elif champion is not None:
            reason = (
                f"Send it to {name} first: as the champion, they can carry it to the rest "
                "of the group."
            )
        else:
            reason = f"Send it to {name} first, the most influential person you can contact."
        rest = sorted(
            (item for item in contactable if item[1].key != first.key),
            key=lambda item: (-self.influence[item[0]], item[1].key),
        )
        return (first.key, *(m.key for _, m in rest)), first.key, reason

    def theme_name(self, slug: str) -> str:
        return self.theme_names.get(slug) or slug.replace("-", " ").replace("_", " ")

    def reasons(
        self,
        i: int,
        effect: tuple[float, float] | None,
        first_reason: str,
        *,
        new: tuple[str, ...] = (),
        after_earlier: bool = False,
    ) -> tuple[str, ...]:
        """2 to 4 sentences: coverage, up to two more, and who to send it to first."""
        asset = self.assets[i]
        # (position in the text, sentence), most important first; two of them are kept.
        optional: list[tuple[int, str]] = []
        framing, split = self._framing_sentence(asset)
        if framing and split:
            optional.append((2, framing))
        seen, everyone = self._seen_sentence(asset)
        if seen and everyone:
            optional.append((5, seen))
        if new:
            optional.append((1, f"Adds {self._themes_text(new)}, which earlier picks leave out."))
        moved = _effect_sentence(effect, after_earlier) if effect else None
        if moved:
            optional.append((3, moved))
        stage = self._stage_sentence(asset)
        if stage:
            optional.append((4, stage))
        if framing and not split:
            optional.append((2, framing))
        if seen and not everyone:
            optional.append((5, seen))
        sentences = [(0, self._coverage_sentence(i)), *optional[:2], (6, first_reason)]
        sentences.sort(key=lambda item: item[0])
        return tuple(text for _, text in sentences)

    def _themes_text(self, slugs: Sequence[str], limit: int = 2) -> str:
        return _join([self.theme_name(s) for s in slugs[:limit]])

    def _coverage_sentence(self, i: int) -> str:
        columns = np.flatnonzero(self.mix[i])
        if not len(columns):
            return "Has no themes tagged, so it adds nothing to the group's story."
        by_need = sorted(columns.tolist(), key=lambda j: (-self.need[j], self.themes[j]))
        needed = [j for j in by_need if self.need[j] > 0]
        if not needed:
            listed = self._themes_text([self.themes[j] for j in by_need])
            return f"Covers {listed}, which nobody in this group has heard about or asked for yet."
        top = needed[0]
        share = float(self.common[top])
        widest = int(np.lexsort((np.arange(len(self.common)), -self.common))[0])
        splits_most = (
            int(np.lexsort((np.arange(len(self.contributions)), -self.contributions))[0])
            if self.contributions.max() > 0
            else -1
        )
        if top == widest and share > 0.5:
            what = "the theme most of the group already cares about"
        elif top == splits_most:
            what = "the theme that pulls the group apart most"
        elif share >= 0.5:
            what = f"a theme {_percent(share)} of the group already cares about or has heard"
        else:
            what = f"a theme {_percent(share)} of the group has heard or cares about"
        listed = [self.themes[j] for j in needed[:2]]
        if len(listed) == 1:
            return f"Covers {self.theme_name(listed[0])}, {what}."
        return f"Covers {self._themes_text(listed)}; {self.theme_name(listed[0])} is {what}."

    def _framing_sentence(self, asset: Candidate) -> tuple[str | None, bool]:
        """The sentence on framing and level, and whether it warns of a deeper split."""
        if asset.level == INDIVIDUALIZED:
            return "Written for one person: it would deepen the split.", True
        if asset.framing == "individual":
            return "Framed around one person's interests, which pulls the group apart.", True
        if asset.framing == "shared_problem":
            return "Frames the problem the whole group shares, not a product.", False
        if asset.framing == "solution" and self.before >= HIGH_DIVERGENCE:
            return "Pitches a solution while the group still disagrees on the problem.", False
        return None, False

    def _stage_sentence(self, asset: Candidate) -> str | None:
        label = asset.stage.replace("_", " ")
        if asset.stage == self.stage:
            return f"Fits the group's current buying job, {label}."
        fit = self._stage_fit(asset.stage)
        if asset.stage == CONSENSUS_STAGE and fit >= CONSENSUS_FIT * 0.5:
            return (
                f"Built for consensus creation, which a group this split needs "
                f"(divergence {self.before:.2f})."
            )
        if fit > 0:
            return f"Close to the group's current buying job ({label})."
        return None

    def _seen_sentence(self, asset: Candidate) -> tuple[str | None, bool]:
        """Who already received the asset, and whether that is everyone contactable."""
        contactable = [(i, m) for i, m in enumerate(self.people) if self.consent[i] > 0]
        seen = [(i, m) for i, m in contactable if asset.key in m.seen]
        if not seen:
            return None, False
        if len(seen) == len(contactable):
            return "Everyone you can contact has already received it.", True
        seen.sort(key=lambda item: (-self.influence[item[0]], item[1].key))
        others = len(contactable) - len(seen)
        rest = "the one other person has not" if others == 1 else f"the other {others} have not"
        if len(seen) <= 2:
            who = _join([m.name or m.key for _, m in seen])
            verb = "has" if len(seen) == 1 else "have"
            return f"{who} {verb} already received it; {rest}.", False
        return f"{len(seen)} people already received it; {rest}.", False


# ---------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Pick:
    index: int  # asset index
    new: tuple[str, ...]  # its themes no earlier pick covers, most needed first
    before: float  # divergence before this pick (after the earlier ones)
    after: float  # divergence after it


def _effect_sentence(effect: tuple[float, float], after_earlier: bool) -> str | None:
    before, after = effect
    sent = "Sent to everyone after the picks above" if after_earlier else "Sent to everyone"
    if after >= before + 0.005:
        return f"{sent}, it would widen the split (divergence {before:.2f} to {after:.2f})."
    if after <= before - 0.005:
        return f"{sent}, it would bring the group closer (divergence {before:.2f} to {after:.2f})."
    return None


def _divergence_batch(
    base: np.ndarray,
    adds: np.ndarray,
    consent: np.ndarray,
    influence: np.ndarray,
    shares: np.ndarray,
    contributions: bool = False,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Group divergence (as :func:`scoring.core.divergence.divergence`) after adding
    each row of ``adds`` (K x themes) to the weights ``base`` (members x themes) of every
    consented member; with ``contributions`` also each theme's share of it (K x themes).
    """
    weights = base[None, :, :] + consent[None, :, None] * adds[:, None, :]
    return divergence_batch(weights, influence, shares=shares, contributions=contributions)


def _official_divergence(
    people: Sequence[Audience], exposures: Mapping[str, Mapping[str, float]]
) -> float:
    members = [
        Member(key=m.key, influence=m.influence, exposure=exposures.get(m.key, {})) for m in people
    ]
    return divergence(members).score


def _asset_entries(assets: Sequence[Candidate]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(asset index, theme slug, weight) of every usable theme weight, as three columns."""
    themes = [asset.themes for asset in assets]
    names = [slug for mapping in themes for slug in mapping]
    try:
        numbers = np.array([v for mapping in themes for v in mapping.values()], dtype=float)
    except (TypeError, ValueError, ArithmeticError):  # odd values: the careful way
        themes = [positive_weights(mapping) for mapping in themes]
        names = [slug for mapping in themes for slug in mapping]
        numbers = np.array([v for mapping in themes for v in mapping.values()], dtype=float)
    rows = np.repeat(np.arange(len(themes)), [len(mapping) for mapping in themes])
    keep = np.isfinite(numbers) & (numbers > 0)
    if keep.all():
        return rows, names, numbers
    return (
        rows[keep],
        [n for n, kept in zip(names, keep.tolist(), strict=True) if kept],
        numbers[keep],
    )


def _row_shares(rows: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
    """Each value as a share of its row's total (positive values; no overflow)."""
    if not len(values):
        return values
    largest = np.zeros(n_rows)
    np.maximum.at(largest, rows, values)
    scaled = values / largest[rows]  # each row's largest is 1, so its total is finite
    totals = np.bincount(rows, weights=scaled, minlength=n_rows)
    return scaled / totals[rows]


def _reach(
    rows: np.ndarray, cols: np.ndarray, heard: np.ndarray, shares: np.ndarray, n_rows: int
) -> np.ndarray:
    """Per asset, the influence share of members who heard or care about any of its themes.

    Members are packed into bits per theme, OR-ed over each asset's themes, and the set
    bits are summed with one lookup table per byte: no (assets x members) matrix.
    """
    reach = np.zeros(n_rows)
    n_members = heard.shape[0]
    if not len(rows) or not n_members:
        return reach
    packed = np.packbits(heard.T, axis=1)  # themes x bytes; member 8b + j is bit 7 - j
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    bits = np.bitwise_or.reduceat(packed[cols], starts, axis=0)  # assets with themes x bytes
    padded = np.zeros(packed.shape[1] * 8)
    padded[:n_members] = shares
    masks = (np.arange(256)[:, None] >> np.arange(7, -1, -1)[None, :]) & 1  # 256 x 8
    tables = masks @ padded.reshape(-1, 8).T  # 256 x bytes: shares behind each byte value
    reach[rows[starts]] = tables[bits, np.arange(bits.shape[1])[None, :]].sum(axis=1)
    return reach


def _by_key(item: Audience | Candidate) -> str:
    return item.key


def _widen_factor(widen: float) -> float:
    return 1.0 - WIDEN_MAX_PENALTY * min(1.0, max(0.0, widen) / WIDEN_SCALE)


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    values = positive_weights(weights)
    total = sum(values.values())
    if 0.0 < total < math.inf:
        return {key: v / total for key, v in values.items()}
    return to_distribution(values)


def _unchanged(given: Mapping[str, float], cleaned: Mapping[str, float]) -> dict[str, float]:
    """An exposure nothing was added to: as given when it already is a clean distribution
    (so callers can compare it with their own), else normalised and sorted."""
    if len(given) == len(cleaned):  # every entry usable: the keys are the same
        values = {t: float(v) for t, v in given.items()}
        if all(abs(values[t] - v) <= 1e-12 for t, v in cleaned.items()):
            return values
    return to_distribution(cleaned)


def _reached(exposures: Mapping[str, Mapping[str, float]]) -> dict[str, Mapping[str, float]]:
    """What readiness_of is given: the exposures of the members who have heard something."""
    return {key: exposure for key, exposure in exposures.items() if exposure}


def _mass(value: float, exposure: Mapping[str, float]) -> float:
    """The mass behind an exposure; one touch's worth when an exposure has no usable mass."""
    if not exposure:
        return 0.0
    try:
        mass = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return 1.0
    return mass if math.isfinite(mass) and mass > 0 else 1.0


def _influence(value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ArithmeticError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def _shares(values: np.ndarray) -> np.ndarray:
    """Values as shares of their total; equal shares when all are zero."""
    if not len(values):
        return np.zeros(0)
    largest = float(values.max())
    if largest <= 0:
        return np.full(len(values), 1.0 / len(values))
    scaled = values / largest
    return scaled / math.fsum(scaled.tolist())


def _is_champion(role: str) -> bool:
    return (role or "").strip().lower() == _CHAMPION


def _check_weight(value: float) -> float:
    number = float(value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError("weight_new_touch must be a positive finite number")
    return number


def _require_unique(keys: Sequence[str], what: str) -> None:
    if len(set(keys)) != len(keys):
        raise ValueError(f"{what} keys must be unique")


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _percent(value: float) -> str:
    return f"{math.floor(max(0.0, min(1.0, value)) * 100 + 1e-9)}%"
