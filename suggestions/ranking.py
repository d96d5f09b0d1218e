"""The engine's arithmetic: the group and the library as arrays in key order, each asset's
score, the ranking and the greedy set. Pure Python and numpy, no Django.
"""

from collections.abc import Mapping, Sequence

import numpy as np

from suggestions.candidates import (
    CONSENSUS_FIT,
    CONSENSUS_STAGE,
    COVERAGE_STEEPNESS,
    COVERAGE_TOP_THEMES,
    COVERED_RESIDUAL,
    EXACT_BATCH,
    EXACT_MAX,
    EXACT_MIN,
    FRAMING_FIT,
    HIGH_DIVERGENCE,
    INDIVIDUALIZED,
    INDIVIDUALIZED_FACTOR,
    LEVEL_FIT,
    NEAR_DUPLICATE,
    NEED_COMMON_GROUND,
    NEED_DIVERGENCE,
    NEED_PRIORITIES,
    SET_WIDEN_TOLERANCE,
    STAGE_ADJACENT,
    STAGE_EXACT,
    STAGES,
    UNKNOWN_FIT,
    W_COVERAGE,
    W_FRAMING,
    W_LEVEL,
    W_REACH,
    W_STAGE,
    W_UNSEEN,
    Audience,
    Candidate,
)
from suggestions.explanations import Explanations
from suggestions.measures import (
    Pick,
    _asset_entries,
    _divergence_batch,
    _influence,
    _mass,
    _normalised,
    _reach,
    _row_shares,
    _shares,
    _table,
    _widen_factor,
)


class Engine(Explanations):
    """The group and the library as arrays, in key order (members, assets, themes)."""

    def __init__(
        self,
        people: list[Audience],
        assets: list[Candidate],
        *,
        stage: str,
        weight: float,
        theme_names: Mapping[str, str],
        exposures: Sequence[Mapping[str, float]] | None = None,
    ) -> None:
        """`exposures`: the members' normalised exposures, when the caller has them."""
        self.people = people
        self.assets = assets
        self.stage = stage
        self.theme_names = theme_names

        if exposures is None:
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

        masses = [_mass(m.mass, exp) for m, exp in zip(people, exposures, strict=True)]
        base = _table(exposures, column, n_themes, np.array(masses))
        prio = _table(priorities, column, n_themes)
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
        # Never proposed to the whole group: assets everyone has, and one-to-one assets.
        self.everyone_has = self.unseen <= 1e-9
        self.individualized = np.array([c.level == INDIVIDUALIZED for c in assets])
        self.one_to_one = self.individualized | np.array(
            [c.framing == "individual" for c in assets]
        )
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
        self._parts: dict[int, np.ndarray] = {}  # asset -> theme contributions, sent alone

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
            after, parts = self.divergence_of(self.base, self.mix[chunk] * self.weight, True)
            self._parts.update(zip(chunk, parts, strict=True))
            for i, value in zip(chunk, after.tolist(), strict=True):
                self._after[i] = value
                self._widen[i] = max(0.0, value - self.before)

    def sent_alone(self, indexes: Sequence[int]) -> list[float]:
        """The divergence after sending each asset alone to every contactable member, as
        `check` finds it (each asset's value is the same in any batch), reusing what the
        ranking checked and recording nothing new."""
        known = [self._after.get(i) for i in indexes]
        missing = [i for i, value in zip(indexes, known, strict=True) if value is None]
        if missing:
            found, parts = self.divergence_of(self.base, self.mix[missing] * self.weight, True)
            self._parts.update(zip(missing, parts, strict=True))
            computed = dict(zip(missing, found.tolist(), strict=True))
            known = [
                computed[i] if value is None else value
                for i, value in zip(indexes, known, strict=True)
            ]
        return known

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

    def choose(self, size: int) -> list[Pick]:
        """The set, picked greedily (see the module docstring)."""
        picks: list[Pick] = []
        state = self.base.copy()
        current = self.before
        covered = np.zeros(len(self.themes))
        closest = np.full(len(self.assets), -1.0)  # highest similarity to a pick
        taken = np.zeros(len(self.assets), dtype=bool)
        shares: dict[int, np.ndarray] = {}  # asset -> theme contributions after sending it
        for step in range(max(0, size)):
            if step == 0:
                need, score = self.need, self.linear
            else:
                contributions = shares.get(picks[-1].index) if picks else None
                if contributions is None:  # not found in the batch that scored the last pick
                    _, found = self.divergence_of(state, np.zeros((1, len(self.themes))), True)
                    contributions = found[0]
                need = self.group_need(state, contributions)
                score = self.scored(need * COVERED_RESIDUAL**covered, need)
            eligible = (
                self.has_themes
                & ~self.one_to_one
                & ~self.everyone_has
                & ~taken
                & (closest < NEAR_DUPLICATE)
            )
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
            shares = {} if step else self._parts  # (the first pick's: sent alone)
            limit = min(len(order), EXACT_MAX)
            for start in range(0, limit, EXACT_BATCH):
                chunk = order[start : min(start + EXACT_BATCH, limit)]
                if best is not None and best_score >= score[chunk[0]]:
                    break
                if step:
                    found, parts = self.divergence_of(state, self.mix[chunk] * self.weight, True)
                    after = found.tolist()
                    shares.update(zip(chunk, parts, strict=True))
                else:
                    after = self.sent_alone(chunk)
                for i, value in zip(chunk, after, strict=True):
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
            picks.append(Pick(best, tuple(self.themes[j] for j in new), current, best_after))
            taken[best] = True
            state = state + self.consent[:, None] * (self.mix[best] * self.weight)[None, :]
            current = best_after
            covered += self.mix[best] > 0
            closest = np.maximum(closest, self.similarity(best))
        return picks
